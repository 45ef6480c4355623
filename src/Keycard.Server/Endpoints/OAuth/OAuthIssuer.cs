using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Keycard.Server.Endpoints.OAuth;

/// <summary>The issuer identifier of this server (RFC 8414 §2), and the endpoint URLs built on it.</summary>
internal static class OAuthIssuer
{
    private const string LoopbackFallback = "http://localhost";

    /// <summary>The last issuer derived from a request, with the parts it was built from (every iOFFICE token request asks).</summary>
    private static DerivedIssuer? _lastDerived;

    public static string For(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<StandardOAuthOptions>>().Value;
        var issuer = string.IsNullOrEmpty(options.Issuer) ? Derive(context, options) : options.Issuer;

        // One spelling only: clients compare the issuer as a string (RFC 8414 §3.3, RFC 9207 §2.4).
        return issuer.TrimEnd('/');
    }

    /// <summary>
    /// Without a configured issuer, the request's own base URL, but only for a loopback host or one on
    /// <see cref="StandardOAuthOptions.IssuerHosts"/>: the Host header is the client's to choose, and an issuer taken
    /// from it would let <c>Host: evil.example</c> rewrite the discovery document and the <c>iss</c> of every
    /// redirect (RFC 9207 §2.4 mix-up defence; RFC 8414 §3.3). Any other host gets the loopback issuer the server
    /// listens on. Off loopback, `keycard serve` refuses to start without a configured issuer.
    /// </summary>
    private static string Derive(HttpContext context, StandardOAuthOptions options)
    {
        var host = context.Request.Host.Host;
        if (IsLoopbackHost(host) || options.IssuerHosts.Contains(host, StringComparer.OrdinalIgnoreCase))
        {
            // The same request base gives the same issuer: reuse the last one built rather than concatenate it again.
            var request = context.Request;
            var last = _lastDerived;
            if (last is not null
                && string.Equals(last.Scheme, request.Scheme, StringComparison.Ordinal)
                && string.Equals(last.Host, request.Host.Value, StringComparison.Ordinal)
                && string.Equals(last.PathBase, request.PathBase.Value, StringComparison.Ordinal))
            {
                return last.Issuer;
            }

            var derived = new DerivedIssuer(request.Scheme, request.Host.Value, request.PathBase.Value,
                request.Scheme + "://" + request.Host.Value + request.PathBase.Value);
            _lastDerived = derived;
            return derived.Issuer;
        }

        var bound = context.RequestServices.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
        return bound?.FirstOrDefault(a => Uri.TryCreate(a, UriKind.Absolute, out var uri) && IsLoopbackHost(uri.Host)) ?? LoopbackFallback;
    }

    public static bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        // The usual spellings without parsing (every iOFFICE token request asks); any other goes through IPAddress.
        || host is "127.0.0.1" or "[::1]"
        || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private sealed record DerivedIssuer(string Scheme, string? Host, string? PathBase, string Issuer);
}
