using System.Globalization;
using Keycard.Core;
using Keycard.Core.Authorization;
using Keycard.Core.Consent;
using Keycard.Core.Errors;
using Keycard.Core.Security;
using Keycard.Core.Storage;
using Keycard.Core.Users;
using Keycard.Server.Http;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace Keycard.Server.Endpoints.Login;

/// <summary>
/// <c>/account/consents</c>: the applications a signed-in user has allowed, each with a Revoke button (issue 16).
/// Revoking ends the consent and revokes the client's codes and tokens for the user (<see cref="ConsentService"/>).
/// Without a sign-in session the page is the sign-in form, which posts here and comes back to the list. Every POST
/// is refused from another origin and without the anti-forgery token, like the sign-in form's.
/// </summary>
internal static class ConsentEndpoints
{
    public const string AccountPath = "/account/consents";

    public static IEndpointRouteBuilder MapConsentPages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(AccountPath, ShowAsync).WithMetadata(HtmlErrorDialect.Instance);
        routes.MapPost(AccountPath, SubmitAsync)
            .RequireRateLimiting(PasswordRateLimit.PolicyName)
            .WithMetadata(HtmlErrorDialect.Instance);
        return routes;
    }

    private static async Task<IResult> ShowAsync(
        HttpContext context, AuthorizationService authorization, ConsentService consents, IClientStore clients, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        var user = await SessionUserAsync(context, authorization, cancellationToken);
        return user is null
            ? SignInForm(context, antiforgery, null, null, StatusCodes.Status200OK)
            : await ListAsync(context, user, consents, clients, antiforgery, null, cancellationToken);
    }

    private static async Task<IResult> SubmitAsync(
        HttpContext context, AuthorizationService authorization, ConsentService consents, IClientStore clients, PasswordSignIn signIn, IUserDirectory users,
        ISignInSessionStore sessions, TimeProvider time, IOptions<KeycardProtocolOptions> protocol, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        // OWASP CSRF Cheat Sheet: as on the sign-in form, a cross-site Origin first, then the anti-forgery token.
        if (context.Request.Headers.Origin is { Count: > 0 } origins && !LoginFlow.IsSameOriginOrNull(context.Request, origins[0]))
        {
            return LoginFlow.Page(context, HtmlPages.Error("Request refused", "This form was posted from another site.", null), StatusCodes.Status403Forbidden);
        }

        if (!FormContent.IsUrlEncoded(context.Request))
        {
            return LoginFlow.Page(context, HtmlPages.Error("Bad request", "The form must be posted as a form.", null), StatusCodes.Status400BadRequest);
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return LoginFlow.Page(context, HtmlPages.Error("Bad request", "The form is too large or malformed.", null), StatusCodes.Status400BadRequest);
        }

        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return LoginFlow.Page(context, HtmlPages.Error("Session expired", "The form expired or did not come from this site. Go back and try again.", null), StatusCodes.Status400BadRequest);
        }

        var reader = new ParameterReader();
        if (form.ContainsKey("password"))
        {
            var userName = reader.Read(form["username"], "username", PasswordSignIn.MaxUserNameLength);
            var password = reader.Read(form["password"], "password", PasswordSignIn.MaxPasswordLength);
            if (reader.Error is { } inputError)
            {
                return SignInForm(context, antiforgery, null, inputError.Description, StatusCodes.Status400BadRequest);
            }

            var signedIn = await signIn.SignInAsync(userName, password, SourceAddress.Of(context), cancellationToken);
            if (!signedIn.IsSuccess || await users.FindAsync(signedIn.Value, cancellationToken) is not { } signedInUser)
            {
                var locked = signedIn.Error?.Code == OAuthErrorCodes.TooManyAttempts;
                if (signedIn.Error is { } error)
                {
                    ErrorStatus.AddRetryAfter(context.Response, error);
                }

                return SignInForm(
                    context,
                    antiforgery,
                    userName,
                    locked ? "Too many failed sign-ins. This account is locked for a while; try again later." : PasswordSignIn.InvalidCredentials,
                    locked ? StatusCodes.Status429TooManyRequests : StatusCodes.Status200OK);
            }

            // A sign-in session like the sign-in form's (server-side row, its id in the cookie).
            var now = time.GetUtcNow();
            var session = new SignInSessionRecord(SecureToken.Generate(), signedInUser.Id, now, now + protocol.Value.SessionLifetime);
            await sessions.AddAsync(session, cancellationToken);
            await SignInSession.SignInAsync(context, signedInUser, session.Id);
            return new SeeOther(AccountPath);
        }

        var user = await SessionUserAsync(context, authorization, cancellationToken);
        if (user is null)
        {
            return SignInForm(context, antiforgery, null, "Your sign-in ended. Sign in again.", StatusCodes.Status200OK);
        }

        var clientId = reader.Read(form["client_id"], "client_id", Core.Clients.ClientAuthenticator.MaxClientIdLength);
        if (reader.Error is not null || string.IsNullOrEmpty(clientId))
        {
            return LoginFlow.Page(context, HtmlPages.Error("Bad request", "Name one application to revoke.", null), StatusCodes.Status400BadRequest);
        }

        // Only the signed-in user's own consent: the user comes from the session, never from the form.
        await consents.RevokeAsync(user.Id, clientId, cancellationToken);
        return new SeeOther(AccountPath);
    }

    private static async Task<UserProfile?> SessionUserAsync(HttpContext context, AuthorizationService authorization, CancellationToken cancellationToken) =>
        await SignInSession.ReadAsync(context) is { } ticket
            ? (await authorization.ResumeAsync(ticket, cancellationToken)).User
            : null;

    private static async Task<IResult> ListAsync(
        HttpContext context, UserProfile user, ConsentService consents, IClientStore clients, IAntiforgery antiforgery, string? message, CancellationToken cancellationToken)
    {
        var entries = new List<ConsentListEntry>();
        foreach (var consent in await consents.ListAsync(user.Id, null, cancellationToken))
        {
            var client = await clients.FindAsync(consent.ClientId, cancellationToken);
            var scopes = consent.Scopes.Count == 0 ? "No scope" : string.Join(", ", consent.Scopes.Select(s => ScopeDescriptions.Describe(s).Description ?? s));
            entries.Add(new ConsentListEntry(
                consent.ClientId,
                client?.Name ?? consent.ClientId,
                scopes,
                consent.GrantedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)));
        }

        var tokens = antiforgery.GetAndStoreTokens(context);
        return LoginFlow.Page(context, HtmlPages.Consents(user.UserName, entries, tokens.FormFieldName, tokens.RequestToken!, message), StatusCodes.Status200OK);
    }

    private static IResult SignInForm(HttpContext context, IAntiforgery antiforgery, string? userName, string? message, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var form = new SignInForm
        {
            ClientName = "your Keycard account",
            Action = AccountPath,
            AntiforgeryField = tokens.FormFieldName,
            AntiforgeryToken = tokens.RequestToken!,
            RedirectHost = "your applications",
            UserName = userName,
            Message = message,
        };
        return LoginFlow.Page(context, HtmlPages.SignIn(form), status);
    }
}
