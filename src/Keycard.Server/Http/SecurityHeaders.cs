namespace Keycard.Server.Http;

/// <summary>Headers for every HTML page Keycard serves (RFC 9700 §4.16 clickjacking; OWASP Secure Headers Project).</summary>
internal static class SecurityHeaders
{
    /// <param name="formActionSource">A CSP source the page's forms may also post or redirect to (<see cref="SourceOf"/>).</param>
    /// <param name="scriptSource">The hash-source of the page's one inline script; null: no script may run.</param>
    public static void ApplyHtml(HttpContext context, string? formActionSource, string? scriptSource = null)
    {
        var headers = context.Response.Headers;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        ResponseHeaders.NoStore(context.Response);
        var formAction = formActionSource is null ? "'self'" : "'self' " + formActionSource;
        var script = scriptSource is null ? "" : "; script-src " + scriptSource;
        headers.ContentSecurityPolicy =
            "default-src 'none'; style-src 'self'; img-src 'self'" + script + "; form-action " + formAction +
            "; frame-ancestors 'none'; base-uri 'none'";
    }

    /// <summary>
    /// The CSP source of a client's redirect URI: its origin (http and https), or its scheme (a native app's private-use
    /// scheme). Chromium applies form-action to the redirect that follows a form's POST, so pages that lead to the
    /// client allow it. Null when the URI is not absolute.
    /// </summary>
    public static string? SourceOf(string? redirectUri) =>
        redirectUri is not null && Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri)
            ? uri.Scheme is "http" or "https" ? uri.GetLeftPart(UriPartial.Authority) : uri.Scheme + ":"
            : null;
}
