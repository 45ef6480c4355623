using Keycard.Server.Endpoints.OAuth;
using Microsoft.AspNetCore.Http;

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

    /// <summary>The entries of a ';'-separated --urls value, as the host splits them.</summary>
    public static IEnumerable<string> Split(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// A one-line explanation when an --urls entry is not an http(s) address Kestrel can bind, which Kestrel itself
    /// would report with a stack trace; null when every entry parses. Parsed by Kestrel's own parser
    /// (<see cref="BindingAddress.Parse"/>), so what passes here is exactly what the server will accept.
    /// </summary>
    public static string? FindMalformed(string? urls)
    {
        foreach (var url in Split(urls ?? ""))
        {
            if (Parse(url) is not { } address || address.Scheme is not ("http" or "https") || address.IsNamedPipe || address.Port is < 0 or > 65535 ||
                (!address.IsUnixPipe && !IsHost(address.Host)))
            {
                var example = int.TryParse(url, out var port) ? $"http://127.0.0.1:{port}" : "http://127.0.0.1:5000";
                return $"--urls '{url}' is not an http or https URL: write it like {example}.";
            }
        }

        return null;
    }

    /// <summary>
    /// A host Kestrel can bind: a name, an address, or the wildcards * and +. Kestrel's parser reads an unparsable port
    /// ("http://127.0.0.1:port") as part of the host and would then bind every interface on port 80.
    /// </summary>
    private static bool IsHost(string host) =>
        host is "*" or "+" || Uri.CheckHostName(host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host) != UriHostNameType.Unknown;

    /// <summary>The entry parsed by Kestrel's parser, or null when it cannot be.</summary>
    private static BindingAddress? Parse(string url)
    {
        try
        {
            return BindingAddress.Parse(url);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether the address listens on loopback only (127.0.0.0/8, ::1, localhost). Wildcards (*, +, 0.0.0.0, [::]),
    /// other hosts, Unix sockets and anything unparsable count as open, as they always have.
    /// </summary>
    private static bool IsLoopback(string url) =>
        Parse(url) is { IsUnixPipe: false, IsNamedPipe: false } address && OAuthIssuer.IsLoopbackHost(address.Host);
}
