using Microsoft.Net.Http.Headers;

namespace Keycard.Server.Http;

/// <summary>The one check that a body is <c>application/x-www-form-urlencoded</c> (RFC 6749 §3.2, the HTML form's default).</summary>
internal static class FormContent
{
    public const string UrlEncoded = "application/x-www-form-urlencoded";

    public static bool IsUrlEncoded(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && type.MediaType.Equals(UrlEncoded, StringComparison.OrdinalIgnoreCase);
}
