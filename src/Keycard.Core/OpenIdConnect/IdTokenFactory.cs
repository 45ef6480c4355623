using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Keycard.Core.Scopes;
using Keycard.Core.Signing;
using Keycard.Core.Tokens;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.Core.OpenIdConnect;

/// <summary>
/// Builds and signs ID tokens (OpenID Connect Core §2, §3.1.3.6): a JWS with header <c>typ: JWT</c> and the signing
/// key's <c>kid</c>, carrying iss, sub, aud, exp, iat, auth_time, amr and, when they apply, nonce, sid and at_hash.
/// </summary>
public sealed class IdTokenFactory(JwtSigner signer, IOptions<KeycardProtocolOptions> options)
{
    /// <summary>Core §2 amr: Keycard authenticates users by password only (RFC 8176 §2 "pwd").</summary>
    public static readonly IReadOnlyList<string> PasswordMethods = ["pwd"];

    public ValueTask<string> CreateAsync(IdTokenDescriptor descriptor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["iss"] = descriptor.Issuer,
            ["sub"] = Subject(descriptor.UserId),

            // Core §2: aud is the client_id alone, so azp (needed only beside several audiences) is left out.
            ["aud"] = descriptor.ClientId,
            ["iat"] = descriptor.IssuedAt.ToUnixTimeSeconds(),
            ["exp"] = (descriptor.IssuedAt + descriptor.Lifetime).ToUnixTimeSeconds(),
            ["auth_time"] = descriptor.AuthTime.ToUnixTimeSeconds(),
            ["amr"] = PasswordMethods.ToArray(),
        };
        if (descriptor.Nonce is not null)
        {
            // Core §3.1.2.1: passed through unmodified from the authentication request.
            claims["nonce"] = descriptor.Nonce;
        }

        if (descriptor.SessionId is not null)
        {
            claims["sid"] = descriptor.SessionId;
        }

        if (descriptor.AccessToken is not null)
        {
            claims["at_hash"] = AccessTokenHash(descriptor.AccessToken);
        }

        return signer.SignAsync("JWT", claims, cancellationToken);
    }

    /// <summary>
    /// The token endpoint's part (Core §3.1.3.3, §12.2): <paramref name="issued"/> with an ID token when the standard
    /// dialect asked (<see cref="TokenRequest.Issuer"/>), the granted scope has <c>openid</c> and a user signed in.
    /// The ID token lives as long as the access token beside it.
    /// </summary>
    public async ValueTask<IssuedTokens> AddToAsync(
        IssuedTokens issued, TokenRequest request, StoredToken grant, bool withNonce, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (request.Issuer is null || grant.UserId is not { } userId || !ScopeRules.Split(issued.Scope).Contains(OpenIdScopes.OpenId, StringComparer.Ordinal))
        {
            return issued;
        }

        var idToken = await CreateAsync(new IdTokenDescriptor
        {
            Issuer = request.Issuer,
            ClientId = grant.ClientId,
            UserId = userId,

            // A grant from before sign-in times were recorded: its creation is the latest the password can have been entered.
            AuthTime = grant.AuthTime ?? grant.CreatedAt,
            IssuedAt = now,
            Lifetime = options.Value.AccessTokenLifetime,
            Nonce = withNonce ? grant.Nonce : null,
            SessionId = grant.SessionId,
            AccessToken = issued.AccessToken,
        }, cancellationToken);
        return issued with { IdToken = idToken };
    }

    /// <summary>The <c>sub</c> of a user: their integer id in decimal, never reused for another user.</summary>
    public static string Subject(int userId) => userId.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Core §3.1.3.6: base64url of the left-most half of the hash of the ASCII access token, the hash being the one of
    /// the ID token's JWS algorithm; both algorithms Keycard signs with (RS256, ES256) use SHA-256.
    /// </summary>
    public static string AccessTokenHash(string accessToken)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.ASCII.GetBytes(accessToken), hash);
        return Base64UrlEncoder.Encode(hash[..(SHA256.HashSizeInBytes / 2)].ToArray());
    }
}
