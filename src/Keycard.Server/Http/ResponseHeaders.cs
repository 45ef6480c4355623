using System.Globalization;

namespace Keycard.Server.Http;

/// <summary>The one place the caching and throttling headers every dialect sends are written.</summary>
internal static class ResponseHeaders
{
    /// <summary>RFC 6749 §5.1: Cache-Control: no-store, and Pragma: no-cache for HTTP/1.0 caches.</summary>
    public static void NoStore(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
    }

    /// <summary>RFC 6585 §4 / RFC 9110 §10.2.3: tell a throttled caller when to come back, in whole seconds (at least 1).</summary>
    public static long RetryAfter(HttpResponse response, TimeSpan wait)
    {
        var seconds = (long)Math.Ceiling(Math.Max(1, wait.TotalSeconds));
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return seconds;
    }
}
