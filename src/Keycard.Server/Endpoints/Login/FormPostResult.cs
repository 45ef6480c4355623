using System.Security.Cryptography;
using System.Text;
using Keycard.Server.Http;

namespace Keycard.Server.Endpoints.Login;

/// <summary>
/// OAuth 2.0 Form Post Response Mode §2: a page whose form carries the response's parameters as hidden fields and
/// posts them to the redirect URI as soon as it loads (a Continue button where scripts are off). The one inline
/// script is allowed by its hash alone, and form-action names only the client's origin.
/// </summary>
internal sealed class FormPostResult(string redirectUri, IReadOnlyList<(string Name, string Value)> parameters) : IResult
{
    /// <summary>The page's only script; <see cref="ScriptSource"/> is its CSP hash (CSP Level 3 §8.4 hash-source).</summary>
    internal const string Script = "document.forms[0].submit();";

    internal static readonly string ScriptSource = "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Script))) + "'";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        SecurityHeaders.ApplyHtml(httpContext, SecurityHeaders.SourceOf(redirectUri), ScriptSource);
        var html = HtmlPages.FormPost(redirectUri, parameters, Script);
        return TypedResults.Content(html, "text/html; charset=utf-8", statusCode: StatusCodes.Status200OK).ExecuteAsync(httpContext);
    }
}
