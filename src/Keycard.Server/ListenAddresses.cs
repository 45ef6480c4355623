using Keycard.Server.Endpoints.OAuth;

namespace Keycard.Server;

/// <summary>
/// What `keycard serve` refuses to listen on: plain http off loopback (RFC 6749 §10.9, RFC 9700 §4.1) unless a
/// TLS-terminating proxy was declared, and any non-loopback address without a configured issuer (RFC 8414 §2: the
/// Host header must not pick the issuer). Checked on the configured addresses before binding and again on the
/// addresses the server actually bound, whatever set them (--urls, a Kestrel endpoint in appsettings.json, the
/// environment or the command line).
/// </summary>
internal static class ListenAddresses
{
    /// <summary>--urls and every configured Kestrel endpoint (which take precedence over --urls).</summary>
    public static IEnumerable<string> Configured(string urls, IConfiguration configuration)
    {
        foreach (var url in Split(urls))
        {
            yield return url;
        }

        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { Length: > 0 } url)
            {
                yield return url;
            }
        }
    }

    /// <summary>Why Keycard must not serve on <paramref name="addresses"/>, or null when it may.</summary>
    public static string? FindProblem(IEnumerable<string> addresses, bool behindProxy, string? issuer)
    {
        var list = addresses.ToList();
        if (FindInsecure(list, behindProxy) is { } insecure)
        {
            return $"refusing to serve OAuth over plain http on {insecure}: tokens and passwords would cross the network in clear " +
                "(RFC 6749 §10.9, RFC 9700 §4.1). Use https, listen on 127.0.0.1, or pass --behind-proxy when a TLS-terminating proxy is in front.";
        }

        if (string.IsNullOrEmpty(issuer) && list.FirstOrDefault(a => !IsLoopback(a)) is { } open)
        {
            return $"refusing to serve on {open} without Keycard:Issuer: off loopback the issuer must be configured, not taken from " +
                "the Host header (RFC 8414 §2). Set it to the public https URL clients use, e.g. --Keycard:Issuer=https://auth.example.com " +
                "or the environment variable Keycard__Issuer.";
        }

        return null;
    }

    /// <summary>The first plain-http address that is not on loopback, unless a TLS-terminating proxy was declared.</summary>
    public static string? FindInsecure(IEnumerable<string> addresses, bool behindProxy) =>
        behindProxy ? null : addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !IsLoopback(a));

    public static IEnumerable<string> Split(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool IsLoopback(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var host = (schemeEnd < 0 ? url : url[(schemeEnd + 3)..]).Split('/')[0];
        host = host.StartsWith('[') ? host[..(host.IndexOf(']', StringComparison.Ordinal) + 1)] : host.Split(':')[0];
        return OAuthIssuer.IsLoopbackHost(host);
    }
}
