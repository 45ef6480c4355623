using Keycard.Core.Authorization;
using Keycard.Server.Http;
using Microsoft.AspNetCore.Antiforgery;

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

        routes.MapGet("/login.html", (HttpContext context, AuthorizationService authorization, IAntiforgery antiforgery, CancellationToken ct) =>
            LoginFlow.ShowAsync(context, IOfficeLogin, authorization, antiforgery, ct))
            .WithMetadata(HtmlErrorDialect.Instance);
        routes.MapPost("/login.html", (HttpContext context, AuthorizationService authorization, IAntiforgery antiforgery, CancellationToken ct) =>
            LoginFlow.SubmitAsync(context, IOfficeLogin, authorization, antiforgery, ct))
            .RequireRateLimiting(PasswordRateLimit.PolicyName)
            .WithMetadata(HtmlErrorDialect.Instance);
        return routes;
    }

    /// <summary>
    /// The guide's dialect: all five parameters (a missing one is shown on the page), the answer in the fragment
    /// (<c>redirect_uri#code=…&amp;appCode=…</c>). Errors after the client checks go back the same way the code
    /// would, in the fragment (<c>#error=…&amp;error_description=…&amp;state=…</c>): the page that reads the code
    /// from the fragment is the page that must see the error (RFC 6749 §4.1.2.1, delivered like the guide's code).
    /// </summary>
    public static readonly LoginDialect IOfficeLogin = new()
    {
        Policy = AuthorizationPolicy.IOffice,
        AnswerCode = (validation, response) => new AuthorizationAnswer(
            response.RedirectUri,
            ResponseModes.Fragment,
            [("code", response.Code!.Code), ("appCode", validation.Client!.AppCode), ("state", response.State)]),
        AnswerError = (validation, error) => new AuthorizationAnswer(
            validation.RedirectUri!,
            ResponseModes.Fragment,
            [("error", error.Code), ("error_description", error.Description), ("state", validation.Request.State)]),
    };
}
