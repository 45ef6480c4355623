using Keycard.Core.Authorization;
using Keycard.Core.Clients;
using Keycard.Core.Errors;
using Keycard.Core.Scopes;
using Keycard.Core.Users;
using Keycard.Server.Http;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Keycard.Server.Endpoints.Login;

/// <summary>
/// The sign-in page. <c>/login.html</c> is the guide's entry point (five required parameters, the code returned in
/// the fragment); the standard dialect's <c>/oauth2/authorize</c> uses the same form through <see cref="LoginFlow"/>.
/// </summary>
internal static class LoginEndpoints
{
    public static IEndpointRouteBuilder MapLoginPage(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(HtmlPages.StylesheetPath, (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
            return TypedResults.Text(HtmlPages.Stylesheet, "text/css; charset=utf-8");
        });
        routes.MapGet(HtmlPages.IconPath, (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return TypedResults.Text(HtmlPages.Icon, "image/svg+xml");
        });

        routes.MapGet("/login.html", (HttpContext context, AuthorizationValidator validator, IAntiforgery antiforgery, CancellationToken ct) =>
            LoginFlow.ShowAsync(context, IOfficeLogin, validator, antiforgery, ct));
        routes.MapPost("/login.html", (HttpContext context, AuthorizationValidator validator, IAntiforgery antiforgery, PasswordSignIn signIn, CodeIssuer codes, CancellationToken ct) =>
            LoginFlow.SubmitAsync(context, IOfficeLogin, validator, antiforgery, signIn, codes, ct))
            .RequireRateLimiting(PasswordRateLimit.PolicyName);
        return routes;
    }

    /// <summary>The guide's dialect: all five parameters, errors shown on the page, the answer in the fragment.</summary>
    public static readonly LoginDialect IOfficeLogin = new()
    {
        Policy = AuthorizationPolicy.IOffice,
        RedirectErrors = false,
        BuildSuccessRedirect = (validation, code) =>
            validation.RedirectUri + "#code=" + Uri.EscapeDataString(code.Code) +
            "&appCode=" + Uri.EscapeDataString(validation.Client!.AppCode) +
            (validation.Request.State is { } state ? "&state=" + Uri.EscapeDataString(state) : ""),
    };

    /// <summary>Reads the authorization parameters from the query string, with the shared input rules.</summary>
    public static (AuthorizationRequest Request, ProtocolError? Error) ReadRequest(HttpRequest http)
    {
        var reader = new ParameterReader();
        var request = new AuthorizationRequest
        {
            ResponseType = reader.Query(http, "response_type", 100),
            ClientId = reader.Query(http, "client_id", ClientAuthenticator.MaxClientIdLength),
            RedirectUri = reader.Query(http, "redirect_uri", RedirectUriRules.MaxLength),
            Scope = reader.Query(http, "scope", ScopeRules.MaxLength),
            State = reader.Query(http, "state", AuthorizationValidator.MaxStateLength),
            CodeChallenge = reader.Query(http, "code_challenge", 128),
            CodeChallengeMethod = reader.Query(http, "code_challenge_method", 20),
        };
        return (request, reader.Error);
    }
}

/// <summary>How one dialect uses the shared sign-in form.</summary>
internal sealed record LoginDialect
{
    public required AuthorizationPolicy Policy { get; init; }

    /// <summary>Standard OAuth sends errors after client and redirect checks back to the client (RFC 6749 §4.1.2.1).</summary>
    public required bool RedirectErrors { get; init; }

    public required Func<AuthorizationValidation, IssuedCode, string> BuildSuccessRedirect { get; init; }

    public Func<AuthorizationValidation, ProtocolError, string>? BuildErrorRedirect { get; init; }

    /// <summary>A browser with a sign-in session gets its code at once, without the form (the standard dialect).</summary>
    public bool CompleteFromSession { get; init; }
}
