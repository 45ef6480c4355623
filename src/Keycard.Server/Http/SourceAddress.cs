namespace Keycard.Server.Http;

/// <summary>
/// The caller's network address as the core sees it: the connection's remote address (after ForwardedHeaders when
/// Keycard runs behind a known proxy). Failed authentications are throttled per source (RFC 6749 §10.10).
/// </summary>
internal static class SourceAddress
{
    public static string? Of(HttpContext context) => context.Connection.RemoteIpAddress?.ToString();
}
