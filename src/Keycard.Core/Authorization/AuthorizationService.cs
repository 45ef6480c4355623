using Keycard.Core.Clients;
using Keycard.Core.Consent;
using Keycard.Core.Errors;
using Keycard.Core.OpenIdConnect;
using Keycard.Core.Scopes;
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
    ConsentService consent)
{
    /// <summary>Step 1: RFC 6749 §4.1.1. The result says whether an error may go back to the client (§4.1.2.1).</summary>
    public Task<AuthorizationValidation> ValidateAsync(AuthorizationRequest request, AuthorizationPolicy policy, CancellationToken cancellationToken) =>
        validator.ValidateAsync(request, policy, cancellationToken);

    /// <summary>Step 2, from the sign-in form: the user's password, then the code.</summary>
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

        return await RespondAsync(request, user, time.GetUtcNow(), null, cancellationToken);
    }

    /// <summary>
    /// Step 2, from a browser's sign-in session: the code without the form, while the session is still the user's.
    /// A session ends when the user is removed or disabled or their record changes (a password change included).
    /// Null when the session no longer holds.
    /// </summary>
    public async Task<Result<AuthorizationResponse>?> ResumeSessionAsync(
        AuthorizationValidation request, int userId, string userVersion, CancellationToken cancellationToken)
    {
        RequireValid(request);
        var user = await FindSessionUserAsync(userId, userVersion, cancellationToken);
        if (user is null)
        {
            return null;
        }

        return await RespondAsync(request, user, time.GetUtcNow(), null, cancellationToken);
    }

    /// <summary>
    /// Step 3, the user's answer on the consent page, from the browser whose sign-in session was shown it. Allow:
    /// the requested scopes are remembered (with what was allowed before) and the code is issued. Deny: the client
    /// gets <c>access_denied</c> (RFC 6749 §4.1.2.1). Null when the session no longer holds.
    /// </summary>
    public async Task<Result<AuthorizationResponse>?> DecideConsentAsync(
        AuthorizationValidation request, int userId, string userVersion, bool allow, CancellationToken cancellationToken)
    {
        RequireValid(request);
        var user = await FindSessionUserAsync(userId, userVersion, cancellationToken);
        if (user is null)
        {
            return null;
        }

        if (!allow)
        {
            consent.Denied(request.Client!, user.Id);
            return ProtocolError.AccessDenied("The user did not allow the application access.");
        }

        await consent.GrantAsync(request.Client!, user.Id, request.Request.Scope, cancellationToken);
        return await IssueAsync(request, user, time.GetUtcNow(), null, cancellationToken);
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
            return pkce.Error;
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

    /// <summary>
    /// The consent step, once the user is known: a third-party client that needs the user's consent gets no code
    /// yet but a <see cref="ConsentRequest"/> for the page, or, when the request said <c>prompt=none</c> and so no
    /// page may be shown, <c>consent_required</c> (OpenID Connect Core §3.1.2.6).
    /// </summary>
    private async Task<Result<AuthorizationResponse>> RespondAsync(
        AuthorizationValidation request, UserProfile user, DateTimeOffset authTime, string? sessionId, CancellationToken cancellationToken)
    {
        if (await consent.FindRequiredAsync(request.Client!, user.Id, request.Request.Scope, request.Request.Prompt, cancellationToken) is { } needed)
        {
            if (PromptParameter.Contains(request.Request.Prompt, PromptValues.None))
            {
                consent.Required(request.Client!, user.Id);
                return ProtocolError.ConsentRequired("The user has not allowed this application what it asks for, and prompt=none forbids asking.");
            }

            return new AuthorizationResponse(null, request.RedirectUri!, request.Request.State, user) { Consent = needed };
        }

        return await IssueAsync(request, user, authTime, sessionId, cancellationToken);
    }

    /// <summary>The user a browser's sign-in session still names: present, enabled, and their record unchanged since; else null.</summary>
    public async Task<UserProfile?> FindSessionUserAsync(int userId, string userVersion, CancellationToken cancellationToken)
    {
        var user = await users.FindAsync(userId, cancellationToken);
        return user is { IsDisabled: false } && string.Equals(user.Version, userVersion, StringComparison.Ordinal) ? user : null;
    }

    private async Task<AuthorizationResponse> IssueAsync(
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
            // OpenID Connect Core §3.1.2.1, §2: the ID token for this code echoes the nonce and says when the user signed in.
            Nonce = request.Request.Nonce,
            AuthTime = authTime,
            SessionId = sessionId,
        };
        var code = await codes.IssueAsync(binding, cancellationToken);
        return new AuthorizationResponse(code, request.RedirectUri!, request.Request.State, user);
    }

    private static void RequireValid(AuthorizationValidation request)
    {
        if (!request.IsValid || request.Client is null || request.RedirectUri is null)
        {
            throw new ArgumentException("Only a validated authorization request can be granted.", nameof(request));
        }
    }
}
