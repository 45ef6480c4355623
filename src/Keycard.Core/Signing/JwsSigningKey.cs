using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Keycard.Core.Security;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.Core.Signing;

/// <summary>
/// One signing key prepared for signing JWTs (RFC 7515 §7.1, the JWS Compact Serialization) without per-token set-up:
/// the private key as the runtime's <see cref="RSA"/> or <see cref="ECDsa"/> object and the base64url JOSE header per
/// <c>typ</c>, made once. A token is its header, the payload JSON written with <see cref="Utf8JsonWriter"/>, both
/// base64url-encoded into one pooled buffer, and the signature over that buffer.
/// </summary>
internal sealed class JwsSigningKey
{
    private readonly RSA? _rsa;
    private readonly ECDsa? _ecdsa;
    private readonly int _signatureSize;
    private readonly ConcurrentDictionary<string, byte[]> _headers = new(StringComparer.Ordinal);

    private JwsSigningKey(SigningKey key, RSA? rsa, ECDsa? ecdsa, int signatureSize)
    {
        Key = key;
        _rsa = rsa;
        _ecdsa = ecdsa;
        _signatureSize = signatureSize;
    }

    public SigningKey Key { get; }

    /// <summary>
    /// The prepared form of <paramref name="key"/>, or null when its algorithm and key type are not the pair this
    /// signer knows (RS256 with an RSA key of at least 2048 bits, RFC 7518 §3.3; ES256 with a P-256 key, §3.4).
    /// </summary>
    public static JwsSigningKey? TryCreate(SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        switch (key.Algorithm, key.Key)
        {
            case (SigningAlgorithms.RS256, RsaSecurityKey rsaKey):
                var rsa = rsaKey.Rsa ?? RSA.Create(rsaKey.Parameters);
                return rsa.KeySize >= 2048 ? new JwsSigningKey(key, rsa, null, rsa.KeySize / 8) : null;
            case (SigningAlgorithms.ES256, ECDsaSecurityKey { ECDsa: { KeySize: 256 } ecdsa }):
                return new JwsSigningKey(key, null, ecdsa, ecdsa.GetMaxSignatureSize(DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
            default:
                return null;
        }
    }

    /// <summary>Signs <paramref name="claims"/> as a compact JWS with header alg, kid and typ <paramref name="type"/>.</summary>
    public string Sign(string type, IReadOnlyDictionary<string, object> claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        return Sign(type, new DictionaryJwtClaims(claims), sha256: default);
    }

    /// <summary>
    /// As <see cref="Sign(string, IReadOnlyDictionary{string, object})"/>, generic over the claims' type (no boxing of a
    /// struct). When <paramref name="sha256"/> is not empty, the SHA-256 of the compact JWS (its ASCII bytes, still in the
    /// buffer they were signed in) is written there, so a caller that stores the token by its hash need not transcode it.
    /// </summary>
    public string Sign<TClaims>(string type, scoped in TClaims claims, Span<byte> sha256)
        where TClaims : struct, IJwtClaims
    {
        var header = _headers.GetOrAdd(type, EncodeHeader, Key);
        var payload = JwtPayloadWriter.Write(claims);
        var signatureLength = Base64Url.GetEncodedLength(_signatureSize);
        var length = header.Length + 1 + Base64Url.GetEncodedLength(payload.Length) + 1 + signatureLength;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            // RFC 7515 §5.1: the signing input is ASCII(BASE64URL(header) || '.' || BASE64URL(payload)).
            header.CopyTo(buffer, 0);
            buffer[header.Length] = (byte)'.';
            var input = header.Length + 1 + Base64Url.EncodeToUtf8(payload, buffer.AsSpan(header.Length + 1));
            Span<byte> signature = _signatureSize <= 512 ? stackalloc byte[512] : new byte[_signatureSize];
            var signed = SignInput(buffer.AsSpan(0, input), signature);
            buffer[input] = (byte)'.';
            var total = input + 1 + Base64Url.EncodeToUtf8(signature[..signed], buffer.AsSpan(input + 1));
            if (!sha256.IsEmpty)
            {
                SecureToken.Sha256(buffer.AsSpan(0, total), sha256);
            }

            return Encoding.ASCII.GetString(buffer, 0, total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private int SignInput(ReadOnlySpan<byte> input, Span<byte> signature)
    {
        // RFC 7518 §3.3: RSASSA-PKCS1-v1_5 with SHA-256; §3.4: ECDSA P-256 SHA-256, the signature being R || S, each
        // 32 bytes (IEEE P1363, what ECDsa.TrySignData writes by default).
        var done = _rsa is not null
            ? _rsa.TrySignData(input, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, out var written)
            : _ecdsa!.TrySignData(input, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation, out written);
        return done ? written : throw new CryptographicException($"The {Key.Algorithm} signature of key {Key.KeyId} did not fit {signature.Length} bytes.");
    }

    /// <summary>RFC 7515 §4.1: {"alg":…,"kid":…,"typ":…}, base64url-encoded (the order JsonWebTokenHandler writes too).</summary>
    private static byte[] EncodeHeader(string type, SigningKey key)
    {
        var json = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("alg", key.Algorithm);
            writer.WriteString("kid", key.KeyId);
            writer.WriteString("typ", type);
            writer.WriteEndObject();
        }

        var encoded = new byte[Base64Url.GetEncodedLength(json.WrittenCount)];
        Base64Url.EncodeToUtf8(json.WrittenSpan, encoded);
        return encoded;
    }
}
