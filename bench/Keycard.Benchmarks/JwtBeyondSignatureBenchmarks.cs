using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Keycard.Core;
using Keycard.Core.Clients;
using Keycard.Core.Signing;
using Keycard.Core.Tokens;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.Benchmarks;

/// <summary>
/// Issue 16's "a JWT issuance costs no more than one signature over an opaque one", without the signature's own noise:
/// Keycard's whole JWT access token issuance (claims, jti, payload JSON, base64url, the SHA-256 of the input, the
/// string, the stored row and its key) with a P-256 key whose signature is free (a fixed 64-byte R || S), beside the
/// opaque issuance. "JWT, free signature" minus "opaque" is what a JWT costs beyond its one signature.
/// </summary>
[MemoryDiagnoser]
public class JwtBeyondSignatureBenchmarks
{
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private TokenFactory _factory = null!;
    private AccessTokenGrant _jwtGrant = null!;
    private AccessTokenGrant _opaqueGrant = null!;

    [GlobalSetup]
    public void Setup()
    {
        var key = new SigningKey("bench-free", SigningAlgorithms.ES256, "{}", new ECDsaSecurityKey(new FreeSignature()) { KeyId = "bench-free" }, _now, _now, _now.AddDays(1), _now.AddDays(2));
        _factory = new TokenFactory(TimeProvider.System, Options.Create(new KeycardProtocolOptions()), new JwtSigner(new OneKeyRing(key)));
        var client = new Client
        {
            ClientId = "bench-cc-es256",
            Name = "bench",
            AppCode = "bench",
            RedirectUris = [],
            AccessTokenFormat = AccessTokenFormats.Jwt,
            SigningAlgorithm = SigningAlgorithms.ES256,
        };
        _jwtGrant = new AccessTokenGrant { Client = client, Scope = string.Empty, FamilyId = "family", Resource = "https://api.bench.local/", Issuer = "http://127.0.0.1:5000" };
        _opaqueGrant = _jwtGrant with { Client = client with { AccessTokenFormat = AccessTokenFormats.Opaque } };
    }

    [Benchmark(Baseline = true, Description = "opaque access token (TokenFactory)")]
    public async Task<string> Opaque() => (await _factory.CreatePairAsync(_opaqueGrant, withRefresh: false, _now, CancellationToken.None)).Response.AccessToken;

    [Benchmark(Description = "JWT access token, free signature (TokenFactory)")]
    public async Task<string> JwtFreeSignature() => (await _factory.CreatePairAsync(_jwtGrant, withRefresh: false, _now, CancellationToken.None)).Response.AccessToken;

    /// <summary>A P-256-sized ECDsa whose signature costs nothing: what remains is everything around it.</summary>
    private sealed class FreeSignature : ECDsa
    {
        private static readonly byte[] Signature = new byte[64];

        public FreeSignature()
        {
            KeySizeValue = 256;
            LegalKeySizesValue = [new KeySizes(256, 256, 0)];
        }

        public override byte[] SignHash(byte[] hash) => Signature;

        public override bool VerifyHash(byte[] hash, byte[] signature) => false;

        protected override bool TrySignHashCore(ReadOnlySpan<byte> hash, Span<byte> destination, DSASignatureFormat signatureFormat, out int bytesWritten)
        {
            Signature.CopyTo(destination);
            bytesWritten = Signature.Length;
            return true;
        }
    }

    private sealed class OneKeyRing(SigningKey key) : ISigningKeyRing
    {
        public ValueTask<SigningKey> GetCurrentAsync(CancellationToken cancellationToken) => ValueTask.FromResult(key);

        public ValueTask<SigningKey> GetCurrentAsync(string algorithm, CancellationToken cancellationToken) => ValueTask.FromResult(key);

        public ValueTask<IReadOnlyList<SigningKey>> GetPublishedAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlyList<SigningKey>>([key]);
    }
}
