using System.Net;

namespace Keycard.Server.Endpoints.OAuth;

/// <summary>Settings of the standard OAuth dialect, bound from the "Keycard" configuration section.</summary>
public sealed class StandardOAuthOptions
{
    /// <summary>The configuration section this class is bound from (Configuration/KeycardSettings lists it for <c>config show</c>).</summary>
    public const string Section = "Keycard";

    /// <summary>
    /// The issuer identifier (RFC 8414 §2): https, no query or fragment; plain http only on loopback.
    /// Unset, it is the base URL of each request made to a loopback host or a host on <see cref="IssuerHosts"/>;
    /// required when Keycard listens on any other address.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>Host names (besides loopback) a request may derive the issuer from when <see cref="Issuer"/> is unset.</summary>
    public string[] IssuerHosts { get; set; } = [];

    /// <summary>Scopes to publish as <c>scopes_supported</c>; unset, the metadata leaves the member out.</summary>
    public string[] Scopes { get; set; } = [];

    /// <summary>Why <paramref name="issuer"/> cannot be an issuer identifier, or null when it can.</summary>
    public static string? FindIssuerProblem(string issuer)
    {
        if (!Uri.TryCreate(issuer, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return "must be an absolute https URL";
        }

        // RFC 8414 §2: "a URL that uses the https scheme and has no query or fragment components".
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0 || issuer.Contains('?', StringComparison.Ordinal) || issuer.Contains('#', StringComparison.Ordinal))
        {
            return "must not have a query or fragment (RFC 8414 §2)";
        }

        if (uri.Scheme == "http" && !IsLoopback(uri))
        {
            return "must use https unless it is a loopback address (RFC 8414 §2, RFC 8252 §8.3)";
        }

        return null;
    }

    internal static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip));
}
