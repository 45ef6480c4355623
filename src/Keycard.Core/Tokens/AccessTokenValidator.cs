using Keycard.Core.Security;
using Keycard.Core.Storage;

namespace Keycard.Core.Tokens;

/// <summary>Checks a presented access token: one SHA-256 and one lookup by primary key, never a scan.</summary>
public sealed class AccessTokenValidator(ITokenStore tokens, TimeProvider time)
{
    public async ValueTask<TokenValidation> ValidateAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > SecureToken.MaxPresentedAccessTokenLength)
        {
            return TokenValidation.Invalid;
        }

        var stored = await tokens.FindAsync(SecureToken.StorageKey(token), cancellationToken);
        if (stored is null || stored.Kind != TokenKind.AccessToken || stored.RevokedAt is not null)
        {
            return TokenValidation.Invalid;
        }

        return stored.IsExpired(time.GetUtcNow())
            ? new TokenValidation(TokenValidationStatus.Expired, stored)
            : new TokenValidation(TokenValidationStatus.Valid, stored);
    }
}
