using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.Core.Signing;

/// <summary>
/// Signs the JWTs Keycard issues (ID tokens, JWT access tokens, the gateway's upstream identity token) with the key
/// of the shared ring that signs now; the key's <c>kid</c> goes into the JWS header (RFC 7515 §4.1.4) so verifiers
/// pick the matching key from the JWKS. Callers set every claim themselves: no time claim is added implicitly.
/// </summary>
public sealed class JwtSigner(ISigningKeyRing keys)
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>Signs <paramref name="claims"/> as a JWS with header <c>typ</c> <paramref name="type"/> (e.g. <c>JWT</c>, <c>at+jwt</c>).</summary>
    public ValueTask<string> SignAsync(string type, IReadOnlyDictionary<string, object> claims, CancellationToken cancellationToken) =>
        SignAsync(type, claims, algorithm: null, cancellationToken);

    /// <summary>
    /// As <see cref="SignAsync(string, IReadOnlyDictionary{string, object}, CancellationToken)"/>, with the current key
    /// of <paramref name="algorithm"/> (RS256 or ES256; null: the ring's default), e.g. a client's registered algorithm.
    /// </summary>
    public async ValueTask<string> SignAsync(string type, IReadOnlyDictionary<string, object> claims, string? algorithm, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        var key = algorithm is null ? await keys.GetCurrentAsync(cancellationToken) : await keys.GetCurrentAsync(algorithm, cancellationToken);
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims.ToDictionary(),
            SigningCredentials = key.Credentials,
            TokenType = type,
        });
    }
}
