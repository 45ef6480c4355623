using Microsoft.AspNetCore.Http.Features;

namespace Keycard.Server.Gateway;

/// <summary>
/// Path rules for proxied requests. Routing matches the decoded path while the upstream may decode it again, so any
/// request whose path could mean two different things is refused with 400 rather than guessed at: encoded slashes,
/// backslashes, dots and percent signs (double encoding), NUL, empty segments and dot segments (RFC 3986 §3.3, §5.2.4).
/// The route check and the upstream then see the same path, which stays below the route's prefix.
/// </summary>
internal static class GatewayPath
{
    private static readonly string[] AmbiguousEscapes = ["%2f", "%5c", "%2e", "%25", "%00"];

    public static string? FindProblem(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var rawPath = query < 0 ? raw : raw[..query];
        foreach (var escape in AmbiguousEscapes)
        {
            if (rawPath.Contains(escape, StringComparison.OrdinalIgnoreCase))
            {
                return $"The path contains the ambiguous escape '{escape.ToUpperInvariant()}'.";
            }
        }

        return HasAmbiguousSegments(rawPath) || HasAmbiguousSegments(context.Request.Path.Value ?? "")
            ? "The path contains an empty, '.' or '..' segment or a backslash."
            : null;
    }

    private static bool HasAmbiguousSegments(string path)
    {
        if (path.Contains('\\', StringComparison.Ordinal) || path.Contains('\0', StringComparison.Ordinal))
        {
            return true;
        }

        var segments = path.Split('/');

        // segments[0] is the empty string before the leading '/'; a trailing '/' is allowed.
        for (var i = 1; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment is "." or ".." || (segment.Length == 0 && i < segments.Length - 1))
            {
                return true;
            }
        }

        return false;
    }
}
