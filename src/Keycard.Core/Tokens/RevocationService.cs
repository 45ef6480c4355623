using Keycard.Core.Clients;
using Keycard.Core.Diagnostics;
using Keycard.Core.Errors;
using Keycard.Core.Security;
using Keycard.Core.Storage;

namespace Keycard.Core.Tokens;

/// <summary>Token revocation (RFC 7009 §2).</summary>
public sealed class RevocationService(ITokenStore tokens, IClientStore clientStore, ClientAuthenticator clients, TimeProvider time, KeycardTelemetry? telemetry = null)
{
    /// <summary>
    /// Revokes an access or refresh token. Revoking a refresh token ends every token of its authorization
    /// (RFC 7009 §2.1: the server SHOULD also invalidate the access tokens based on the same grant).
    /// Unknown tokens succeed (RFC 7009 §2.2). A token of a confidential client can only be revoked with that
    /// client's credentials; a public client's token proves its own right to be revoked.
    /// </summary>
    public async Task<Result<bool>> RevokeAsync(RevocationRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Token))
        {
            return ProtocolError.InvalidRequest("The token to revoke is missing.");
        }

        Client? caller = null;
        if (!string.IsNullOrEmpty(request.ClientId) || request.RequireClientAuthentication)
        {
            var authenticated = await clients.AuthenticateAsync(request.ClientId, request.ClientSecret, cancellationToken);
            if (!authenticated.IsSuccess)
            {
                return authenticated.Error;
            }

            caller = authenticated.Value;
        }

        if (request.Token.Length > SecureToken.MaxPresentedLength)
        {
            return false;
        }

        var stored = await tokens.FindAsync(SecureToken.StorageKey(request.Token), cancellationToken);
        if (stored is null || stored.Kind == TokenKind.AuthorizationCode)
        {
            return false;
        }

        if (caller is null)
        {
            var owner = await clientStore.FindAsync(stored.ClientId, cancellationToken);
            if (owner is { IsConfidential: true })
            {
                return ProtocolError.InvalidClient("This token belongs to a confidential client: send its client id and secret to revoke it.");
            }
        }
        else if (!string.Equals(caller.ClientId, stored.ClientId, StringComparison.Ordinal))
        {
            // RFC 7009 §2.1: the token must have been issued to the requesting client. Answer as for an unknown
            // token so a client cannot probe for other clients' tokens.
            return false;
        }

        var now = time.GetUtcNow();
        telemetry?.TokenRevoked(stored.ClientId, stored.Kind == TokenKind.RefreshToken ? "refresh_token" : "access_token");
        if (stored.Kind == TokenKind.RefreshToken)
        {
            return await tokens.RevokeFamilyAsync(stored.FamilyId, now, cancellationToken) > 0;
        }

        return await tokens.RevokeAsync(stored.Hash, now, cancellationToken);
    }
}

public sealed record RevocationRequest
{
    public string? Token { get; init; }

    public string? TokenTypeHint { get; init; }

    public string? ClientId { get; init; }

    public string? ClientSecret { get; init; }

    /// <summary>The standard dialect always authenticates the client (RFC 7009 §2.1).</summary>
    public bool RequireClientAuthentication { get; init; }
}
