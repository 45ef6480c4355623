using Keycard.Core.Authorization;
using Keycard.Core.Clients;
using Keycard.Core.OpenIdConnect;
using Keycard.Server.Endpoints.Login;
using Keycard.Server.Endpoints.OAuth;
using Keycard.Server.Http;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Primitives;

namespace Keycard.Server.Endpoints.OpenIdConnect;

/// <summary>
/// OpenID Connect RP-Initiated Logout 1.0: <c>end_session_endpoint</c>, GET (query) or POST (form). Ends the browser's
/// sign-in session (the row, on every node, and the cookie) and sends the browser to the client's registered
/// post_logout_redirect_uri with its state, or shows a signed-out page. The protocol decisions are
/// <see cref="LogoutService"/>'s.
/// </summary>
internal static partial class EndSessionEndpoint
{
    private const string ConfirmField = "confirm";

    public static async Task<IResult> HandleAsync(
        HttpContext context, LogoutService logout, IAntiforgery antiforgery, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger("Keycard.Server.Endpoints.OpenIdConnect");
        IFormCollection? form = null;
        if (HttpMethods.IsPost(context.Request.Method))
        {
            if (!FormContent.IsUrlEncoded(context.Request))
            {
                return Page(context, HtmlPages.Error("Bad request", "A logout request must be posted as a form.", null), StatusCodes.Status400BadRequest);
            }

            try
            {
                form = await context.Request.ReadFormAsync(cancellationToken);
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                return Page(context, HtmlPages.Error("Bad request", "The logout request is too large or malformed.", null), StatusCodes.Status400BadRequest);
            }
        }

        StringValues Value(string name) => form is null ? context.Request.Query[name] : form[name];
        var reader = new ParameterReader();
        var request = new LogoutRequest
        {
            IdTokenHint = reader.Read(Value("id_token_hint"), "id_token_hint", IdTokenHintReader.MaxLength),
            ClientId = reader.Read(Value("client_id"), "client_id", ClientAuthenticator.MaxClientIdLength),
            PostLogoutRedirectUri = reader.Read(Value("post_logout_redirect_uri"), "post_logout_redirect_uri", RedirectUriRules.MaxLength),
            State = reader.Read(Value("state"), "state", AuthorizationValidator.MaxStateLength),
        };

        // ui_locales is accepted and ignored: Keycard's pages are in one language.
        request = request with { UnreadableParameter = reader.Error };
        var decision = await logout.DecideAsync(request, await SignInSession.ReadAsync(context), OAuthIssuer.For(context), cancellationToken);
        if (decision.Error is { } error)
        {
            // RP-Initiated Logout §3: never redirect to a URI that was not registered; the user sees why.
            LogLogoutRefused(logger, error.Description);
            return Page(context, HtmlPages.Error("Invalid sign-out request", error.Description, null), StatusCodes.Status400BadRequest);
        }

        var confirmed = form is not null && form[ConfirmField] == "yes";
        if (confirmed && !await antiforgery.IsRequestValidAsync(context))
        {
            return Page(context, HtmlPages.Error("Session expired", "The sign-out form expired or did not come from this site. Go back and try again.", null), StatusCodes.Status400BadRequest);
        }

        if (decision.NeedsConfirmation && !confirmed)
        {
            var tokens = antiforgery.GetAndStoreTokens(context);
            var hidden = new List<(string, string)>();
            void Keep(string name, string? value)
            {
                if (value is not null)
                {
                    hidden.Add((name, value));
                }
            }

            Keep("id_token_hint", request.IdTokenHint);
            Keep("client_id", request.ClientId);
            Keep("post_logout_redirect_uri", request.PostLogoutRedirectUri);
            Keep("state", request.State);
            var html = HtmlPages.SignOut(OpenIdEndpoints.EndSessionPath, tokens.FormFieldName, tokens.RequestToken!, decision.ClientName, hidden);
            return Page(context, html, StatusCodes.Status200OK, SecurityHeaders.SourceOf(decision.RedirectUri));
        }

        if (await logout.EndAsync(decision, cancellationToken))
        {
            LogSessionEnded(logger, decision.ClientName ?? "-");
        }

        await SignInSession.SignOutAsync(context);
        if (decision.RedirectUri is { } redirectUri)
        {
            // §3: state is passed back unchanged; 303 after a POST so the browser does not re-post.
            ResponseHeaders.NoStore(context.Response);
            return new SeeOther(RedirectParameters.InQuery(redirectUri, ("state", decision.State)), form is null ? StatusCodes.Status302Found : StatusCodes.Status303SeeOther);
        }

        return Page(context, HtmlPages.SignedOut(), StatusCodes.Status200OK);
    }

    private static IResult Page(HttpContext context, string html, int status, string? formActionSource = null)
    {
        SecurityHeaders.ApplyHtml(context, formActionSource);
        ResponseHeaders.NoStore(context.Response);
        return TypedResults.Content(html, "text/html; charset=utf-8", statusCode: status);
    }

    [LoggerMessage(EventId = 2401, Level = LogLevel.Information, Message = "Sign-in session ended by RP-initiated logout (client {ClientName})")]
    private static partial void LogSessionEnded(ILogger logger, string clientName);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Information, Message = "Logout request refused: {Reason}")]
    private static partial void LogLogoutRefused(ILogger logger, string reason);
}
