using System.Globalization;
using System.Security.Cryptography;
using Keycard.Core.Signing;
using Keycard.Core.Tokens;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.Server.Gateway;

/// <summary>
/// The upstream identity token: a short-lived JWT (RFC 7519) signed with Keycard's current key, telling the upstream
/// who called through which route. <see cref="GatewayIdentityTokenCache"/> reuses it only for the same access token.
/// Its header <c>typ</c> is <see cref="Type"/>, not plain <c>JWT</c>: explicit typing (RFC 8725 §3.11) keeps it from
/// being mistaken for a Keycard ID token or RFC 9068 access token (and them for it), which share issuer and keys.
/// </summary>
internal static class GatewayIdentityToken
{
    /// <summary>The JWS <c>typ</c>, the media type <c>application/keycard-upstream+jwt</c> without its prefix (RFC 7515 §4.1.9).</summary>
    public const string Type = "keycard-upstream+jwt";

    public static ValueTask<string> CreateAsync(
        JwtSigner signer, TimeProvider time, string issuer, string audience, TimeSpan lifetime, StoredToken token, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["iss"] = issuer,
            ["aud"] = audience,

            // RFC 9068 §2.2's convention: the user, or the client itself for client-credentials tokens.
            ["sub"] = token.UserId?.ToString(CultureInfo.InvariantCulture) ?? token.ClientId,
            ["client_id"] = token.ClientId,
            ["scope"] = token.Scope,
            ["iat"] = now,
            ["exp"] = now + (long)lifetime.TotalSeconds,
            ["jti"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
        };
        return signer.SignAsync(Type, claims, cancellationToken);
    }
}
