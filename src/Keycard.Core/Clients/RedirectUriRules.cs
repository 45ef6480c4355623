namespace Keycard.Core.Clients;

/// <summary>Redirect URI registration and matching (RFC 6749 §3.1.2, RFC 9700 §4.1.3: exact string match).</summary>
public static class RedirectUriRules
{
    public const int MaxLength = 2000;

    /// <summary>Why a URI cannot be registered, or null when it can.</summary>
    public static string? ValidateForRegistration(string uri)
    {
        if (uri.Length > MaxLength)
        {
            return "is too long";
        }

        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed))
        {
            return "is not an absolute URI";
        }

        // RFC 6749 §3.1.2: the endpoint URI MUST NOT include a fragment component.
        if (uri.Contains('#', StringComparison.Ordinal))
        {
            return "must not contain a fragment";
        }

        // RFC 9700 §2.1 / RFC 8252 §7: https, loopback http, or a private-use scheme for native apps.
        if (parsed.Scheme == Uri.UriSchemeHttp && !parsed.IsLoopback)
        {
            return "must use https unless it points at a loopback address";
        }

        if (parsed.Scheme is "javascript" or "data" or "file" or "vbscript")
        {
            return "uses a scheme that cannot be a redirect target";
        }

        return null;
    }

    /// <summary>
    /// RFC 9700 §4.1.3: exact string comparison, no pattern matching. With <paramref name="anyLoopbackPort"/>, the one
    /// exception RFC 9700 §2.1 and RFC 8252 §7.3 make: a registered <c>http</c> loopback redirect URI (127.0.0.1,
    /// [::1] or localhost) matches the same URI with any port, since a native app listens on whatever port the
    /// operating system gives it at the time of the request ("The authorization server MUST allow any port").
    /// </summary>
    public static bool IsRegistered(Client client, string redirectUri, bool anyLoopbackPort = false)
    {
        foreach (var registered in client.RedirectUris)
        {
            if (string.Equals(registered, redirectUri, StringComparison.Ordinal))
            {
                return true;
            }
        }

        if (anyLoopbackPort && WithoutLoopbackPort(redirectUri) is { } requested)
        {
            foreach (var registered in client.RedirectUris)
            {
                if (string.Equals(WithoutLoopbackPort(registered), requested, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// An <c>http</c> URI on a loopback host with its port (if any) taken out, the rest exactly as written; null for
    /// any other URI, one with user information, or a port that is not 1-65535.
    /// </summary>
    private static string? WithoutLoopbackPort(string uri)
    {
        const string Scheme = "http://";
        if (!uri.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return null;
        }

        var end = uri.AsSpan(Scheme.Length).IndexOfAny('/', '?', '#');
        var authority = end < 0 ? uri[Scheme.Length..] : uri.Substring(Scheme.Length, end);
        var rest = end < 0 ? "" : uri[(Scheme.Length + end)..];
        var colon = authority.LastIndexOf(':');
        var host = colon > authority.LastIndexOf(']') ? authority[..colon] : authority;
        if (host.Length != authority.Length)
        {
            var port = authority[(colon + 1)..];
            if (port.Length is 0 or > 5 || !port.All(char.IsAsciiDigit) || int.Parse(port, System.Globalization.CultureInfo.InvariantCulture) is 0 or > 65535)
            {
                return null;
            }
        }

        return host is "127.0.0.1" or "[::1]" or "localhost" ? Scheme + host + rest : null;
    }

    /// <summary>Origins as a browser sends them: scheme://host[:port], no path.</summary>
    public static string? ValidateOrigin(string origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
        {
            return "must be an http or https origin";
        }

        if (!string.Equals(parsed.GetLeftPart(UriPartial.Authority), origin, StringComparison.OrdinalIgnoreCase))
        {
            return "must be scheme://host[:port] with no path or trailing slash";
        }

        return null;
    }
}
