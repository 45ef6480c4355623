using Keycard.Core.Clients;
using Keycard.Core.Diagnostics;
using Keycard.Core.Errors;
using Keycard.Core.Security;
using Keycard.Core.Storage;

namespace Keycard.Core.Tokens;

/// <summary>Token revocation (RFC 7009 §2).</summary>
public sealed class RevocationService(ITokenStore tokens, ClientAuthenticator clients, TimeProvider time, KeycardTelemetry? telemetry = null)
{
    /// <summary>
    /// Revokes an access or refresh token. Revoking a refresh token ends every token of its authorization
    /// (RFC 7009 §2.1: the server SHOULD also invalidate the access tokens based on the same grant).
    /// Unknown tokens succeed (RFC 7009 §2.2). When client credentials are sent (always, in the standard dialect:
    /// RFC 7009 §2.1) they are checked and only that client's tokens are revoked; without them (the iOFFICE dialect)
    /// the token proves its own right to be revoked.
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
            var authenticated = await clients.AuthenticateAsync(request.ClientId, request.ClientSecret, request.SourceAddress, cancellationToken);
            if (!authenticated.IsSuccess)
            {
                return authenticated.Error;
            }

            caller = authenticated.Value;
        }

        if (request.Token.Length > SecureToken.MaxPresentedAccessTokenLength)
        {
            return false;
        }

        var stored = await tokens.FindAsync(SecureToken.StorageKey(request.Token), cancellationToken);
        if (stored is null || stored.Kind == TokenKind.AuthorizationCode)
        {
            return false;
        }

        // Without client credentials (the iOFFICE guide's revoke: "The only header needed is: x-token") the token
        // itself is the proof: whoever holds it could use it, which is more than revoking it gives (RFC 7009 §5).
        // Whatever the token, known or not, the answer is the same, so revocation is no oracle (RFC 7009 §2.2).
        if (caller is not null && !string.Equals(caller.ClientId, stored.ClientId, StringComparison.Ordinal))
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

    /// <summary>The caller's network address, for throttling failed authentication per source (RFC 6749 §10.10).</summary>
    public string? SourceAddress { get; init; }
}
