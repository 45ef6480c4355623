using Keycard.Core.Errors;
using Keycard.Server.Http;

namespace Keycard.Server.Endpoints.Login;

/// <summary>The sign-in pages' errors: a browser is reading, so an HTML page (never JSON) with the pages' security headers.</summary>
internal sealed class HtmlErrorDialect : IErrorDialect
{
    public static readonly HtmlErrorDialect Instance = new();

    public Task WriteBodyAsync(HttpContext context, ProtocolError error, int status)
    {
        SecurityHeaders.ApplyHtml(context, formActionSource: null);
        context.Response.ContentType = "text/html; charset=utf-8";
        var title = status == StatusCodes.Status429TooManyRequests ? "Too many attempts" : "Bad request";
        return context.Response.WriteAsync(HtmlPages.Error(title, error.Description, null), context.RequestAborted);
    }
}
