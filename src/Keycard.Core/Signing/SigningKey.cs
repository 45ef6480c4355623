using Microsoft.IdentityModel.Tokens;

namespace Keycard.Core.Signing;

/// <summary>
/// One signing key of the ring: its id (<c>kid</c>), JWS algorithm (RS256 or ES256), public JWK (RFC 7517 §4, what the
/// JWKS endpoint publishes) and, for the keys that may sign, the private key behind <see cref="Credentials"/>.
/// A key is published from its creation, signs from <see cref="ActivatesAt"/> until <see cref="RetiresAt"/>, and is
/// unpublished at <see cref="ExpiresAt"/>, after every token it signed has expired.
/// </summary>
public sealed record SigningKey(
    string KeyId,
    string Algorithm,
    string PublicJwk,
    SecurityKey Key,
    DateTimeOffset CreatedAt,
    DateTimeOffset ActivatesAt,
    DateTimeOffset RetiresAt,
    DateTimeOffset ExpiresAt)
{
    /// <summary>The credentials a token signer uses (the key's <c>kid</c> goes into the JWS header).</summary>
    public SigningCredentials Credentials => new(Key, Algorithm);

    /// <summary>Signs at <paramref name="now"/>.</summary>
    public bool SignsAt(DateTimeOffset now) => ActivatesAt <= now && now < RetiresAt;

    /// <summary>Is published at <paramref name="now"/> (from creation until it expires).</summary>
    public bool PublishedAt(DateTimeOffset now) => now < ExpiresAt;
}
