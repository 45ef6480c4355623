using Keycard.Core.Clients;
using Keycard.Core.Errors;
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
    TimeProvider time)
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
    public async Task<AuthorizationResponse?> ResumeSessionAsync(
        AuthorizationValidation request, int userId, string userVersion, CancellationToken cancellationToken)
    {
        RequireValid(request);
        var user = await users.FindAsync(userId, cancellationToken);
        if (user is not { IsDisabled: false } || !string.Equals(user.Version, userVersion, StringComparison.Ordinal))
        {
            return null;
        }

        return await RespondAsync(request, user, time.GetUtcNow(), null, cancellationToken);
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
        if (!options.Value.PasswordCodeEndpointEnabled || !client.AllowPasswordCodeEndpoint)
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
