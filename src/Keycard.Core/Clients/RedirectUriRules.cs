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

    /// <summary>RFC 9700 §4.1.3: exact string comparison, no pattern matching.</summary>
    public static bool IsRegistered(Client client, string redirectUri)
    {
        foreach (var registered in client.RedirectUris)
        {
            if (string.Equals(registered, redirectUri, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
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
