using Microsoft.AspNetCore.Http.Features;

namespace Keycard.Server.Gateway;

/// <summary>
/// Path rules for proxied requests. Routing matches the decoded path while the upstream may decode it again, so any
/// request whose path could mean two different things is refused with 400 rather than guessed at: encoded slashes,
/// backslashes, dots and percent signs (double encoding), NUL, empty segments and dot segments (RFC 3986 §3.3, §5.2.4).
/// The route check and the upstream then see the same path, which stays below the route's prefix.
/// Every proxied request passes here, so the checks scan the path in place: no copies, no split segments.
/// </summary>
internal static class GatewayPath
{
    private static readonly string[] AmbiguousEscapes = ["%2f", "%5c", "%2e", "%25", "%00"];

    public static string? FindProblem(HttpContext context)
    {
        var decoded = context.Request.Path.Value ?? "";
        var raw = (context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? decoded).AsSpan();
        var query = raw.IndexOf('?');
        var rawPath = query < 0 ? raw : raw[..query];
        if (rawPath.Contains('%'))
        {
            foreach (var escape in AmbiguousEscapes)
            {
                if (rawPath.Contains(escape, StringComparison.OrdinalIgnoreCase))
                {
                    return $"The path contains the ambiguous escape '{escape.ToUpperInvariant()}'.";
                }
            }
        }

        return HasAmbiguousSegments(rawPath) || HasAmbiguousSegments(decoded)
            ? "The path contains an empty, '.' or '..' segment or a backslash."
            : null;
    }

    private static bool HasAmbiguousSegments(ReadOnlySpan<char> path)
    {
        if (path.ContainsAny('\\', '\0'))
        {
            return true;
        }

        // What precedes the first '/' (nothing, for an origin-form path) is not a segment; a trailing '/' is allowed.
        var slash = path.IndexOf('/');
        if (slash < 0)
        {
            return false;
        }

        var rest = path[(slash + 1)..];
        while (true)
        {
            slash = rest.IndexOf('/');
            var last = slash < 0;
            var segment = last ? rest : rest[..slash];
            if (segment is "." or ".." || (segment.IsEmpty && !last))
            {
                return true;
            }

            if (last)
            {
                return false;
            }

            rest = rest[(slash + 1)..];
        }
    }
}
