using Keycard.Core.Authorization;
using Keycard.Core.Clients;
using Keycard.Core.Errors;
using Keycard.Core.Storage;

namespace Keycard.Core.OpenIdConnect;

/// <summary>
/// OpenID Connect RP-Initiated Logout 1.0: which client asks (the id_token_hint's audience or client_id), where the
/// browser may go afterwards (only a post_logout_redirect_uri that client registered, matched exactly, §3), whether
/// the user must confirm (§2: without a valid hint naming the signed-in user, so a cross-site link cannot sign users
/// out silently), and ending the server-side session.
/// </summary>
public sealed class LogoutService(IdTokenHintReader hints, IClientStore clients, ISignInSessionStore sessions, AuthorizationService authorization, TimeProvider time)
{
    public async Task<LogoutDecision> DecideAsync(LogoutRequest request, SessionTicket? ticket, string issuer, CancellationToken cancellationToken)
    {
        if (request.UnreadableParameter is { } unreadable)
        {
            return new LogoutDecision { Error = unreadable };
        }

        IdTokenHint? hint = null;
        if (request.IdTokenHint is not null)
        {
            // §2: the OP validates the hint; expired hints are fine (it was issued to this client before).
            hint = await hints.ReadAsync(request.IdTokenHint, issuer, cancellationToken);
            if (hint is null)
            {
                return new LogoutDecision { Error = ProtocolError.InvalidRequest("The id_token_hint is not an ID token this server issued.") };
            }
        }

        var clientId = request.ClientId ?? (hint is { Audiences.Count: > 0 } ? hint.Audiences[0] : null);
        if (request.ClientId is not null && hint is not null && !hint.Audiences.Contains(request.ClientId, StringComparer.Ordinal))
        {
            // §2: client_id, when given with a hint, must be the hint's audience.
            return new LogoutDecision { Error = ProtocolError.InvalidRequest("The client_id is not the audience of the id_token_hint.") };
        }

        Client? client = clientId is null ? null : await clients.FindAsync(clientId, cancellationToken);
        if (clientId is not null && client is null)
        {
            return new LogoutDecision { Error = ProtocolError.InvalidRequest("The client_id does not name a registered application.") };
        }

        if (request.PostLogoutRedirectUri is { } uri
            && (client is null || !client.PostLogoutRedirectUris.Contains(uri, StringComparer.Ordinal)))
        {
            // §3: only a URI registered for the client the hint or client_id names, by exact string match.
            return new LogoutDecision
            {
                Error = ProtocolError.InvalidRequest(client is null
                    ? "A post_logout_redirect_uri needs an id_token_hint or client_id naming the application."
                    : "The post_logout_redirect_uri is not one this application registered."),
            };
        }

        var (session, _) = ticket is null ? (null, null) : await authorization.ResumeAsync(ticket, cancellationToken);
        return new LogoutDecision
        {
            RedirectUri = request.PostLogoutRedirectUri,
            State = request.State,
            ClientName = client?.Name,
            Session = session,

            // §2 and §6: without a hint naming the signed-in user, ask, so a forged link cannot end the session silently.
            NeedsConfirmation = session is not null && (hint is null || hint.UserId != session.UserId),
        };
    }

    /// <summary>Ends the session (every node refuses its cookie from now on); false when there was none to end.</summary>
    public Task<bool> EndAsync(LogoutDecision decision, CancellationToken cancellationToken) =>
        decision.Session is { } session ? sessions.EndAsync(session.Id, time.GetUtcNow(), cancellationToken) : Task.FromResult(false);
}
