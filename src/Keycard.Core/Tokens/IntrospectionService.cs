using Keycard.Core.Clients;
using Keycard.Core.Errors;
using Keycard.Core.Security;
using Keycard.Core.Storage;

namespace Keycard.Core.Tokens;

/// <summary>Token introspection (RFC 7662 §2): is this token active, and what does it stand for.</summary>
public sealed class IntrospectionService(ITokenStore tokens, ClientAuthenticator clients, IUserDirectory users, TimeProvider time)
{
    /// <summary>
    /// Answers for access and refresh tokens of the calling client. Everything else (unknown, expired, revoked,
    /// rotated, a code, another client's token) is simply inactive (RFC 7662 §2.2), so a caller cannot tell them apart.
    /// </summary>
    public async Task<Result<TokenIntrospection>> IntrospectAsync(IntrospectionRequest request, CancellationToken cancellationToken)
    {
        var authenticated = await clients.AuthenticateAsync(request.ClientId, request.ClientSecret, request.SourceAddress, cancellationToken);
        if (!authenticated.IsSuccess)
        {
            return authenticated.Error;
        }

        // RFC 7662 §2.1: the endpoint MUST require authorization; a public client's id proves nothing.
        if (!authenticated.Value.IsConfidential)
        {
            return ProtocolError.InvalidClient("Introspection needs client authentication with a secret; public clients cannot introspect.");
        }

        if (string.IsNullOrEmpty(request.Token))
        {
            return ProtocolError.InvalidRequest("The token to introspect is missing.");
        }

        if (request.Token.Length > SecureToken.MaxPresentedAccessTokenLength)
        {
            return TokenIntrospection.Inactive;
        }

        // RFC 7662 §2.1: token_type_hint only speeds up the search; one hash lookup covers every type.
        var stored = await tokens.FindAsync(SecureToken.StorageKey(request.Token), cancellationToken);
        if (stored is null
            || stored.Kind == TokenKind.AuthorizationCode
            || stored.RevokedAt is not null
            || stored.ConsumedAt is not null
            || stored.IsExpired(time.GetUtcNow())
            || !string.Equals(stored.ClientId, authenticated.Value.ClientId, StringComparison.Ordinal))
        {
            return TokenIntrospection.Inactive;
        }

        string? userName = null;
        if (stored.UserId is { } userId)
        {
            var user = await users.FindAsync(userId, cancellationToken);
            if (user is null || user.IsDisabled)
            {
                return TokenIntrospection.Inactive;
            }

            userName = user.UserName;
        }

        return new TokenIntrospection(true, stored, userName);
    }
}
