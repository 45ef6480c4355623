using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Keycard.Core;
using Keycard.Core.Clients;
using Keycard.Core.OpenIdConnect;
using Keycard.Core.Signing;
using Keycard.Core.Tokens;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.Benchmarks;

/// <summary>
/// Issue 16's cost target, "a JWT issuance costs no more than one signature over an opaque one", measured directly:
/// one raw signature (RS256: RSA-2048 PKCS#1 v1.5; ES256: P-256) over a typical JWT signing input, and Keycard's whole
/// issuance of an opaque access token, a JWT access token (RFC 9068) and an ID token (OpenID Connect Core §2) with the
/// same key. "JWT access token" minus "opaque access token" minus "one signature" is what a JWT costs beyond its
/// signature. "JwtSigner.SignAsync" and "JsonWebTokenHandler.CreateToken" sign the same access-token claims: Keycard's
/// prepared path and the general path Keycard signed through before.
/// </summary>
[MemoryDiagnoser]
public class SigningBenchmarks
{
    private const string Issuer = "https://keycard.bench.local";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private SigningKey _key = null!;
    private byte[] _signingInput = [];
    private TokenFactory _factory = null!;
    private IdTokenFactory _idTokens = null!;
    private AccessTokenGrant _jwtGrant = null!;
    private AccessTokenGrant _opaqueGrant = null!;
    private IdTokenDescriptor _idToken = null!;
    private Dictionary<string, object> _claims = [];
    private JwtSigner _signer = null!;

    [Params(SigningAlgorithms.RS256, SigningAlgorithms.ES256)]
    public string Algorithm { get; set; } = SigningAlgorithms.RS256;

    [GlobalSetup]
    public void Setup()
    {
        SecurityKey securityKey = Algorithm == SigningAlgorithms.ES256
            ? new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "bench-es256" }
            : new RsaSecurityKey(RSA.Create(2048)) { KeyId = "bench-rs256" };
        _key = new SigningKey(securityKey.KeyId, Algorithm, "{}", securityKey, _now, _now, _now.AddDays(1), _now.AddDays(2));
        var ring = new OneKeyRing(_key);
        var options = Options.Create(new KeycardProtocolOptions());
        _factory = new TokenFactory(TimeProvider.System, options, new JwtSigner(ring));
        _idTokens = new IdTokenFactory(new JwtSigner(ring), options);
        _signer = new JwtSigner(ring);
        var client = new Client
        {
            ClientId = "bench-cc-jwt",
            Name = "bench",
            AppCode = "bench",
            RedirectUris = [],
            AccessTokenFormat = AccessTokenFormats.Jwt,
            SigningAlgorithm = Algorithm,
        };
        _jwtGrant = new AccessTokenGrant { Client = client, Scope = "api", FamilyId = "family", Resource = "https://api.bench.local/", Issuer = Issuer };
        _opaqueGrant = _jwtGrant with { Client = client with { AccessTokenFormat = AccessTokenFormats.Opaque } };
        _idToken = new IdTokenDescriptor
        {
            Issuer = Issuer,
            ClientId = "bench-web",
            UserId = 1,
            AuthTime = _now,
            IssuedAt = _now,
            Lifetime = TimeSpan.FromHours(1),
            Nonce = "n-0S6_WzA2Mj",
            SessionId = "0123456789abcdef0123456789abcdef",
            AccessToken = "kc_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH",
        };
        _claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["iss"] = Issuer,
            ["sub"] = "bench-cc-jwt",
            ["aud"] = "https://api.bench.local/",
            ["client_id"] = "bench-cc-jwt",
            ["jti"] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG",
            ["iat"] = _now.ToUnixTimeSeconds(),
            ["exp"] = _now.AddHours(1).ToUnixTimeSeconds(),
            ["scope"] = "api",
        };

        // A typical signing input: the header and payload of a JWT access token as Keycard writes one.
        var jwt = JwtAccessToken().Result;
        _signingInput = Encoding.ASCII.GetBytes(jwt[..jwt.LastIndexOf('.')]);
    }

    [Benchmark(Baseline = true, Description = "one signature (SignData over a JWT's signing input)")]
    public byte[] OneSignature() => _key.Key switch
    {
        RsaSecurityKey rsa => rsa.Rsa.SignData(_signingInput, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        ECDsaSecurityKey ec => ec.ECDsa.SignData(_signingInput, HashAlgorithmName.SHA256),
        _ => throw new InvalidOperationException(),
    };

    [Benchmark(Description = "opaque access token (TokenFactory)")]
    public async Task<string> OpaqueAccessToken() => (await _factory.CreatePairAsync(_opaqueGrant, withRefresh: false, _now, CancellationToken.None)).Response.AccessToken;

    [Benchmark(Description = "JWT access token (TokenFactory)")]
    public async Task<string> JwtAccessToken() => (await _factory.CreatePairAsync(_jwtGrant, withRefresh: false, _now, CancellationToken.None)).Response.AccessToken;

    [Benchmark(Description = "ID token (IdTokenFactory)")]
    public async Task<string> IdToken() => await _idTokens.CreateAsync(_idToken, CancellationToken.None);

    [Benchmark(Description = "JwtSigner.SignAsync (access token claims)")]
    public async Task<string> SignerSign() => await _signer.SignAsync(TokenFactory.JwtAccessTokenType, _claims, CancellationToken.None);

    [Benchmark(Description = "JsonWebTokenHandler.CreateToken (same claims, the general path)")]
    public string HandlerCreateToken() => Handler.CreateToken(new SecurityTokenDescriptor
    {
        Claims = _claims.ToDictionary(),
        SigningCredentials = _key.Credentials,
        TokenType = TokenFactory.JwtAccessTokenType,
    });

    /// <summary>A ring of one key, so the benchmark measures signing, not the ring's database reads.</summary>
    private sealed class OneKeyRing(SigningKey key) : ISigningKeyRing
    {
        public ValueTask<SigningKey> GetCurrentAsync(CancellationToken cancellationToken) => ValueTask.FromResult(key);

        public ValueTask<SigningKey> GetCurrentAsync(string algorithm, CancellationToken cancellationToken) => ValueTask.FromResult(key);

        public ValueTask<IReadOnlyList<SigningKey>> GetPublishedAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlyList<SigningKey>>([key]);
    }
}
