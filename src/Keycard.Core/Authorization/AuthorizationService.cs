using Keycard.Core.Clients;
using Keycard.Core.Consent;
using Keycard.Core.Errors;
using Keycard.Core.OpenIdConnect;
using Keycard.Core.Scopes;
using Keycard.Core.Security;
using Keycard.Core.Storage;
using Keycard.Core.Users;
using Microsoft.Extensions.Options;

namespace Keycard.Core.Authorization;

/// <summary>
/// The one sign-in sequence behind every code Keycard issues: validate the request, check the password (always
/// through <see cref="PasswordSignIn"/>, so every entry point shares the failure counter), decide what the code is
/// bound to (RFC 6749 §4.1.3) and issue it. The login page, <c>/oauth2/authorize</c> and the iOFFICE password code
/// endpoint differ only in how they read the request and write the answer.
/// </summary>
public sealed class AuthorizationService(
    AuthorizationValidator validator,
    ClientAuthenticator clientAuthenticator,
    PasswordSignIn signIn,
    CodeIssuer codes,
    IUserDirectory users,
    IOptions<KeycardProtocolOptions> options,
    TimeProvider time,
    ISignInSessionStore sessions,
    IdTokenHintReader hints,
    ConsentService consent)
{
    /// <summary>Step 1: RFC 6749 §4.1.1. The result says whether an error may go back to the client (§4.1.2.1).</summary>
    public Task<AuthorizationValidation> ValidateAsync(AuthorizationRequest request, AuthorizationPolicy policy, CancellationToken cancellationToken) =>
        validator.ValidateAsync(request, policy, cancellationToken);

    /// <summary>
    /// Step 2, from the sign-in form: the user's password, then a new sign-in session (its id goes into the cookie and
    /// the ID token's <c>sid</c>), then the code.
    /// </summary>
    public async Task<Result<AuthorizationResponse>> SignInAsync(
        AuthorizationValidation request, string? userName, string? password, string? sourceAddress, CancellationToken cancellationToken)
    {
        RequireValid(request);
        var signedIn = await signIn.SignInAsync(userName, password, sourceAddress, cancellationToken);
        if (!signedIn.IsSuccess)
        {
            return signedIn.Error;
        }

        var user = await users.FindAsync(signedIn.Value, cancellationToken);
        if (user is null)
        {
            // Removed between the password check and now: as if the password had been wrong.
            return ProtocolError.InvalidGrant(PasswordSignIn.InvalidCredentials);
        }

        var now = time.GetUtcNow();
        var session = new SignInSessionRecord(SecureToken.Generate(), user.Id, now, now + options.Value.SessionLifetime);
        await sessions.AddAsync(session, cancellationToken);
        return await CompleteAsync(request, user, session, cancellationToken);
    }

    /// <summary>
    /// Step 2, before any form (OpenID Connect Core §3.1.2.3): a code at once when the browser's sign-in session still
    /// holds and the request lets it (no prompt=login or select_account, max_age not exceeded, id_token_hint naming the
    /// session's user); otherwise the form, or under prompt=none the error the client expects (§3.1.2.6).
    /// </summary>
    /// <param name="ticket">What the browser's cookie claims, or null without one.</param>
    /// <param name="issuer">The issuer the id_token_hint must have been issued by.</param>
    public async Task<AuthorizationOutcome> ContinueAsync(
        AuthorizationValidation request, SessionTicket? ticket, string issuer, CancellationToken cancellationToken)
    {
        RequireValid(request);
        var showForm = new AuthorizationOutcome { LoginHint = request.Request.LoginHint };
        IdTokenHint? hint = null;
        if (request.Request.IdTokenHint is { } hintValue)
        {
            hint = await hints.ReadAsync(hintValue, issuer, cancellationToken);
            if (hint is null)
            {
                return new AuthorizationOutcome { Error = ProtocolError.InvalidRequest("The id_token_hint is not an ID token this server issued.") };
            }
        }

        var (session, user) = ticket is null ? (null, null) : await ResumeAsync(ticket, cancellationToken);
        var now = time.GetUtcNow();
        var prompts = request.Prompts;
        var needsPassword = session is null || user is null
            || prompts.Contains(PromptValues.Login, StringComparer.Ordinal)
            || prompts.Contains(PromptValues.SelectAccount, StringComparer.Ordinal)

            // Core §3.1.2.1: max_age=0 is prompt=login; otherwise a sign-in older than max_age needs the password again.
            || (request.MaxAge is { } maxAge && (maxAge == TimeSpan.Zero || now - session.AuthTime > maxAge))

            // Core §3.1.2.1: the hint names the user the client expects; another user's session does not answer for it.
            || (hint is not null && hint.UserId != session.UserId);
        if (needsPassword)
        {
            return request.PromptNone
                ? new AuthorizationOutcome { Error = new ProtocolError(OpenIdErrorCodes.LoginRequired, "The user must sign in, which prompt=none does not allow.") }
                : showForm;
        }

        // The code, the consent page for a third-party client, or consent_required under prompt=none (issue 16).
        var completed = await CompleteAsync(request, user!, session!, cancellationToken);
        return completed.IsSuccess
            ? new AuthorizationOutcome { Response = completed.Value }
            : new AuthorizationOutcome { Error = completed.Error };
    }

    /// <summary>
    /// Step 3, the user's answer on the consent page, from the browser whose sign-in session was shown it. Allow:
    /// the requested scopes are remembered (with what was allowed before) and the code is issued. Deny: the client
    /// gets <c>access_denied</c> (RFC 6749 §4.1.2.1). Null when the session no longer holds.
    /// </summary>
    public async Task<Result<AuthorizationResponse>?> DecideConsentAsync(
        AuthorizationValidation request, SessionTicket ticket, bool allow, CancellationToken cancellationToken)
    {
        RequireValid(request);
        var (session, user) = await ResumeAsync(ticket, cancellationToken);
        if (session is null || user is null)
        {
            return null;
        }

        if (!allow)
        {
            consent.Denied(request.Client!, user.Id);
            return ProtocolError.AccessDenied("The user did not allow the application access.");
        }

        await consent.GrantAsync(request.Client!, user.Id, request.Request.Scope, cancellationToken);
        return await RespondAsync(request, user, session.AuthTime, session.Id, cancellationToken);
    }

    /// <summary>
    /// The session the cookie names, while it holds: the row exists, has not ended or expired, belongs to the cookie's
    /// user, and the user is still enabled with the record version the cookie was issued for (a password change ends it).
    /// </summary>
    public async Task<(SignInSessionRecord? Session, UserProfile? User)> ResumeAsync(SessionTicket ticket, CancellationToken cancellationToken)
    {
        var session = await sessions.FindAsync(ticket.SessionId, cancellationToken);
        if (session is null || session.UserId != ticket.UserId || !session.IsActiveAt(time.GetUtcNow()))
        {
            return (null, null);
        }

        var user = await users.FindAsync(ticket.UserId, cancellationToken);
        return user is not { IsDisabled: false } || !string.Equals(user.Version, ticket.UserVersion, StringComparison.Ordinal)
            ? (null, null)
            : (session, user);
    }

    /// <summary>
    /// After the user is known, by password or session: the consent step (issue 16), then the code. A third-party
    /// client that needs the user's consent (not given for every requested scope, or prompt=consent) gets no code yet
    /// but a <see cref="ConsentRequest"/> for the page, or, under prompt=none, where no page may be shown,
    /// <c>consent_required</c> (OpenID Connect Core §3.1.2.6).
    /// </summary>
    private async Task<Result<AuthorizationResponse>> CompleteAsync(
        AuthorizationValidation request, UserProfile user, SignInSessionRecord session, CancellationToken cancellationToken)
    {
        var forceConsent = request.Prompts.Contains(PromptValues.Consent, StringComparer.Ordinal);
        if (await consent.FindRequiredAsync(request.Client!, user.Id, request.Request.Scope, forceConsent, cancellationToken) is { } needed)
        {
            if (request.PromptNone)
            {
                consent.Required(request.Client!, user.Id);
                return ProtocolError.ConsentRequired("The user has not allowed this application what it asks for, and prompt=none forbids asking.");
            }

            return new AuthorizationResponse(null, request.RedirectUri!, request.Request.State, user, session.Id) { Consent = needed };
        }

        return await RespondAsync(request, user, session.AuthTime, session.Id, cancellationToken);
    }

    /// <summary>
    /// The iOFFICE password code endpoint: the same sequence with the client authenticated by its secret, no
    /// browser and no state. Without <c>x-redirect-uri</c> or <c>x-scope</c> the code leaves them to the token request.
    /// </summary>
    public async Task<Result<IssuedCode>> IssuePasswordCodeAsync(PasswordCodeRequest request, CancellationToken cancellationToken)
    {
        var authenticated = await clientAuthenticator.AuthenticateAsync(request.ClientId, request.ClientSecret, request.SourceAddress, cancellationToken);
        if (!authenticated.IsSuccess)
        {
            return authenticated.Error;
        }

        var client = authenticated.Value;

        // RFC 9700 §2.4: the password grant "MUST NOT be used"; kept for the guide's sake, switchable globally and per client.
        // A third-party client never gets a code here either: the user is not present to consent (issue 16).
        if (!options.Value.PasswordCodeEndpointEnabled || !client.AllowPasswordCodeEndpoint || client.IsThirdParty)
        {
            return ProtocolError.UnauthorizedClient("The username/password code endpoint is disabled for this client.");
        }

        if (request.RedirectUri is not null && !RedirectUriRules.IsRegistered(client, request.RedirectUri))
        {
            return ProtocolError.InvalidRequest("The redirect URI is not one this application registered.");
        }

        if (ScopeRules.Validate(client, request.Scope) is { } scopeError)
        {
            return scopeError;
        }

        // The header carries an S256 challenge only (the guide names no method); a client registered to require
        // PKCE gets no code without one (RFC 7636 §4.4.1).
        if (AuthorizationValidator.FindPkceError(client, request.CodeChallenge, request.CodeChallenge is null ? null : Security.Pkce.S256, requiredByPolicy: false) is { } pkce)
        {
            return pkce;
        }

        var user = await signIn.SignInAsync(request.UserName, request.Password, request.SourceAddress, cancellationToken);
        if (!user.IsSuccess)
        {
            return user.Error;
        }

        return await codes.IssueAsync(
            new CodeGrantBinding(client, user.Value, request.RedirectUri, request.Scope, request.CodeChallenge) { AuthTime = time.GetUtcNow() },
            cancellationToken);
    }

    private async Task<AuthorizationResponse> RespondAsync(
        AuthorizationValidation request, UserProfile user, DateTimeOffset authTime, string? sessionId, CancellationToken cancellationToken)
    {
        var binding = new CodeGrantBinding(
            request.Client!,
            user.Id,

            // RFC 6749 §4.1.3: the token request must repeat redirect_uri only if the authorization request named it.
            request.RedirectUriWasRequested ? request.RedirectUri : null,

            // A code from a browser is bound to the scope requested, none included: the token request cannot widen it.
            request.Request.Scope ?? "",
            request.Request.CodeChallenge)
        {
            Resource = request.Request.Resource,
            // OpenID Connect Core §3.1.2.1, §2: the ID token for this code echoes the nonce and says when the user signed in.
            Nonce = request.Request.Nonce,
            AuthTime = authTime,
            SessionId = sessionId,
        };
        var code = await codes.IssueAsync(binding, cancellationToken);
        return new AuthorizationResponse(code, request.RedirectUri!, request.Request.State, user, sessionId);
    }

    private static void RequireValid(AuthorizationValidation request)
    {
        if (!request.IsValid || request.Client is null || request.RedirectUri is null)
        {
            throw new ArgumentException("Only a validated authorization request can be granted.", nameof(request));
        }
    }
}
