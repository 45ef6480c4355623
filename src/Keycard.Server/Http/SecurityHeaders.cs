namespace Keycard.Server.Http;

/// <summary>Headers for every HTML page Keycard serves (RFC 9700 §4.16 clickjacking; OWASP Secure Headers Project).</summary>
internal static class SecurityHeaders
{
    public static void ApplyHtml(HttpContext context, string? formActionSource)
    {
        var headers = context.Response.Headers;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        ResponseHeaders.NoStore(context.Response);
        var formAction = formActionSource is null ? "'self'" : "'self' " + formActionSource;
        headers.ContentSecurityPolicy =
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action " + formAction +
            "; frame-ancestors 'none'; base-uri 'none'";
    }
}
