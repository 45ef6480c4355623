using Keycard.Core.Clients;
using Keycard.Core.Errors;
using Keycard.Core.Security;
using Keycard.Core.Storage;
using Microsoft.Extensions.Options;

namespace Keycard.Core.Tokens;

/// <summary>Token introspection (RFC 7662 §2): is this token active, and what does it stand for.</summary>
public sealed class IntrospectionService(ITokenStore tokens, ClientAuthenticator clients, IUserDirectory users, TimeProvider time, IOptions<KeycardProtocolOptions> options)
{
    /// <summary>
    /// Answers for access and refresh tokens of the calling client, and for every client's access tokens when the caller
    /// is a protected resource named in <see cref="KeycardProtocolOptions.IntrospectionClients"/>. Everything else
    /// (unknown, revoked, rotated, a code, a token the caller may not see) is simply inactive (RFC 7662 §2.2). One
    /// exception: a token the caller may see that merely expired is <see cref="TokenIntrospection.Expired"/>, so a
    /// resource server can answer 403 (refresh) rather than 401, as the guide's API does.
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
            || !MaySee(authenticated.Value.ClientId, stored))
        {
            return TokenIntrospection.Inactive;
        }

        if (stored.IsExpired(time.GetUtcNow()))
        {
            // Only an authenticated confidential client that may see this token gets here: it learns no more than
            // the exp it was told while the token was active (docs/security.md, "Introspection").
            return TokenIntrospection.Expired;
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

    /// <summary>RFC 7662 §2.1: the server decides which protected resources may introspect which tokens.</summary>
    private bool MaySee(string caller, StoredToken stored) =>
        string.Equals(stored.ClientId, caller, StringComparison.Ordinal)
        || (stored.Kind == TokenKind.AccessToken && options.Value.IntrospectionClients.Contains(caller, StringComparer.Ordinal));
}
