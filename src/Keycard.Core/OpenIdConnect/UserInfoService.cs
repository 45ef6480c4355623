using Keycard.Core.Errors;
using Keycard.Core.Scopes;
using Keycard.Core.Storage;
using Keycard.Core.Tokens;
using Keycard.Core.Users;

namespace Keycard.Core.OpenIdConnect;

/// <summary>
/// OpenID Connect Core §5.3: the claims about the user an access token with the <c>openid</c> scope may read,
/// filtered by the token's <c>profile</c> and <c>email</c> scopes (§5.4). Errors are RFC 6750 §3.1's.
/// </summary>
public sealed class UserInfoService(AccessTokenValidator tokens, IUserDirectory users)
{
    public async Task<Result<IReadOnlyDictionary<string, object>>> GetAsync(string? accessToken, CancellationToken cancellationToken)
    {
        var validation = await tokens.ValidateAsync(accessToken, cancellationToken);
        if (validation is not { IsValid: true, Token: { } token })
        {
            return new ProtocolError(OAuthErrorCodes.InvalidToken, "The access token is invalid, expired or revoked.");
        }

        var scopes = ScopeRules.Split(token.Scope);
        if (!scopes.Contains(OpenIdScopes.OpenId, StringComparer.Ordinal))
        {
            // RFC 6750 §3.1: the token is good but lacks the scope this resource needs.
            return new ProtocolError(OAuthErrorCodes.InsufficientScope, "The access token was not issued with the openid scope.");
        }

        // A client-credentials token names no user: there is nobody to describe.
        if (token.UserId is not { } userId || await users.FindAsync(userId, cancellationToken) is not { IsDisabled: false } user)
        {
            return new ProtocolError(OAuthErrorCodes.InvalidToken, "The access token does not belong to an active user.");
        }

        return Claims(user, scopes);
    }

    /// <summary>Core §5.4: <c>sub</c> always; the profile and email claims only for their scopes; empty values left out (§5.3.2).</summary>
    public static Dictionary<string, object> Claims(UserProfile user, IReadOnlyCollection<string> scopes)
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { ["sub"] = IdTokenFactory.Subject(user.Id) };
        if (scopes.Contains(OpenIdScopes.Profile, StringComparer.Ordinal))
        {
            claims["preferred_username"] = user.UserName;
            var name = $"{user.FirstName} {user.LastName}".Trim();
            AddIfPresent(claims, "name", name);
            AddIfPresent(claims, "given_name", user.FirstName);
            AddIfPresent(claims, "family_name", user.LastName);
        }

        if (scopes.Contains(OpenIdScopes.Email, StringComparer.Ordinal) && user.Email.Length > 0)
        {
            claims["email"] = user.Email;
            claims["email_verified"] = user.EmailConfirmed;
        }

        return claims;
    }

    private static void AddIfPresent(Dictionary<string, object> claims, string name, string value)
    {
        if (value.Length > 0)
        {
            claims[name] = value;
        }
    }
}
