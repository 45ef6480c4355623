using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Keycard.Core.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.Core.Signing;

/// <summary>
/// Signs the JWTs Keycard issues (ID tokens, JWT access tokens, the gateway's upstream identity token) with the key
/// of the shared ring that signs now; the key's <c>kid</c> goes into the JWS header (RFC 7515 §4.1.4) so verifiers
/// pick the matching key from the JWKS. Callers set every claim themselves: no time claim is added implicitly.
/// </summary>
/// <remarks>
/// Issue 16's cost target is one signature per JWT over an opaque token: each key of the ring is prepared once
/// (<see cref="JwsSigningKey"/>: its header encoded, its RSA or ECDsa object at hand), so a token costs its payload
/// JSON, base64url and the signature itself. A key of a kind the prepared path does not know is signed through
/// <see cref="JsonWebTokenHandler"/>.
/// </remarks>
public sealed class JwtSigner(ISigningKeyRing keys)
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>The prepared form of each key the ring has handed out (a reload of the ring makes new key objects).</summary>
    private readonly ConditionalWeakTable<SigningKey, Prepared> _prepared = [];

    /// <summary>Signs <paramref name="claims"/> as a JWS with header <c>typ</c> <paramref name="type"/> (e.g. <c>JWT</c>, <c>at+jwt</c>).</summary>
    public ValueTask<string> SignAsync(string type, IReadOnlyDictionary<string, object> claims, CancellationToken cancellationToken) =>
        SignAsync(type, claims, algorithm: null, cancellationToken);

    /// <summary>
    /// As <see cref="SignAsync(string, IReadOnlyDictionary{string, object}, CancellationToken)"/>, with the current key
    /// of <paramref name="algorithm"/> (RS256 or ES256; null: the ring's default), e.g. a client's registered algorithm.
    /// </summary>
    public ValueTask<string> SignAsync(string type, IReadOnlyDictionary<string, object> claims, string? algorithm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claims);
        return SignCoreAsync(type, new DictionaryJwtClaims(claims), algorithm, sha256: Memory<byte>.Empty, cancellationToken);
    }

    /// <summary>
    /// As <see cref="SignAsync(string, IReadOnlyDictionary{string, object}, string?, CancellationToken)"/> for claims of
    /// a struct type that writes itself (no dictionary, no boxing), and the SHA-256 of the JWT's ASCII bytes written into
    /// <paramref name="sha256"/> (32 bytes) from the buffer just signed: what a token stored by its hash needs.
    /// </summary>
    internal ValueTask<string> SignAsync<TClaims>(string type, TClaims claims, string? algorithm, Memory<byte> sha256, CancellationToken cancellationToken)
        where TClaims : struct, IJwtClaims
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sha256.Length, SHA256.HashSizeInBytes);
        return SignCoreAsync(type, claims, algorithm, sha256, cancellationToken);
    }

    /// <summary>Both entry points: the current key of <paramref name="algorithm"/>, then the JWS, and its SHA-256 unless <paramref name="sha256"/> is empty.</summary>
    private ValueTask<string> SignCoreAsync<TClaims>(string type, TClaims claims, string? algorithm, Memory<byte> sha256, CancellationToken cancellationToken)
        where TClaims : struct, IJwtClaims
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        var key = algorithm is null ? keys.GetCurrentAsync(cancellationToken) : keys.GetCurrentAsync(algorithm, cancellationToken);

        // The ring answers from memory nearly always: sign without an async state machine then.
        return key.IsCompletedSuccessfully
            ? new ValueTask<string>(Sign(key.Result, type, claims, sha256.Span))
            : SignLaterAsync(key, type, claims, sha256);
    }

    /// <summary>Signs with <paramref name="key"/> itself (the benchmarks, and tests of the JWS this signer writes).</summary>
    internal string Sign(SigningKey key, string type, IReadOnlyDictionary<string, object> claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        return Sign(key, type, new DictionaryJwtClaims(claims), sha256: default);
    }

    private string Sign<TClaims>(SigningKey key, string type, in TClaims claims, Span<byte> sha256)
        where TClaims : struct, IJwtClaims
    {
        var prepared = _prepared.GetValue(key, static k => new Prepared(JwsSigningKey.TryCreate(k))).Key;
        if (prepared is not null)
        {
            return prepared.Sign(type, claims, sha256);
        }

        var jwt = SignWithHandler(key, type, claims.ToDictionary());
        if (!sha256.IsEmpty)
        {
            SecureToken.Sha256(Encoding.ASCII.GetBytes(jwt), sha256);
        }

        return jwt;
    }

    /// <summary>The general path, through Microsoft.IdentityModel, for a key the prepared path does not know.</summary>
    internal static string SignWithHandler(SigningKey key, string type, IReadOnlyDictionary<string, object> claims)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(claims);
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims.ToDictionary(),
            SigningCredentials = key.Credentials,
            TokenType = type,
        });
    }

    private async ValueTask<string> SignLaterAsync<TClaims>(ValueTask<SigningKey> key, string type, TClaims claims, Memory<byte> sha256)
        where TClaims : struct, IJwtClaims =>
        Sign(await key, type, claims, sha256.Span);

    /// <summary>The table's value: a reference even when the key cannot be prepared, so that is decided once too.</summary>
    private sealed record Prepared(JwsSigningKey? Key);
}
