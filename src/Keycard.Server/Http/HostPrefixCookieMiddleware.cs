using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Keycard.Server.Http;

/// <summary>
/// Over https, Keycard's own cookies (the sign-in session and the anti-forgery cookie) travel as <c>__Host-</c>
/// cookies (RFC 6265bis §4.1.3.2; OWASP Session Management Cheat Sheet): the browser then accepts them only with
/// Secure, Path=/ and no Domain, so a sibling subdomain or a plain-http page cannot plant or overwrite them.
/// The framework's handlers keep their one configured name; this renames on the wire, both ways. On https an
/// unprefixed copy of the cookie is ignored, since anyone could have set it. Plain http (loopback development)
/// keeps the plain names, since browsers refuse <c>__Host-</c> cookies without Secure.
/// </summary>
internal sealed class HostPrefixCookieMiddleware(RequestDelegate next, IReadOnlyList<string> names)
{
    public const string Prefix = "__Host-";

    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.IsHttps)
        {
            return next(context);
        }

        RenameIncoming(context.Request);
        context.Response.OnStarting(() =>
        {
            RenameOutgoing(context.Response);
            return Task.CompletedTask;
        });
        return next(context);
    }

    private void RenameIncoming(HttpRequest request)
    {
        var header = request.Headers.Cookie;
        if (StringValues.IsNullOrEmpty(header))
        {
            return;
        }

        // RFC 6265 §5.4: "name=value" pairs separated by "; ".
        var kept = new List<string>();
        foreach (var line in header)
        {
            foreach (var pair in (line ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var name = pair.Split('=', 2)[0];
                if (names.Contains(name, StringComparer.Ordinal))
                {
                    continue;
                }

                var unprefixed = name.StartsWith(Prefix, StringComparison.Ordinal) ? name[Prefix.Length..] : null;
                kept.Add(unprefixed is not null && names.Contains(unprefixed, StringComparer.Ordinal) ? pair[Prefix.Length..] : pair);
            }
        }

        request.Headers.Cookie = string.Join("; ", kept);

        // A fresh cookie feature parses the rewritten header (an earlier one may hold the original's parse).
        request.HttpContext.Features.Set<IRequestCookiesFeature>(new RequestCookiesFeature(request.HttpContext.Features));
    }

    private void RenameOutgoing(HttpResponse response)
    {
        var setCookies = response.Headers.SetCookie;
        if (StringValues.IsNullOrEmpty(setCookies))
        {
            return;
        }

        var renamed = new string?[setCookies.Count];
        for (var i = 0; i < setCookies.Count; i++)
        {
            var value = setCookies[i] ?? "";
            renamed[i] = names.Any(n => value.StartsWith(n + "=", StringComparison.Ordinal)) ? Prefix + value : value;
        }

        response.Headers.SetCookie = new StringValues(renamed);
    }
}
