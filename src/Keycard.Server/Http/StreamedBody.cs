namespace Keycard.Server.Http;

/// <summary>
/// Endpoint metadata: this endpoint streams its request body elsewhere (the gateway's proxied routes) and never parses
/// it, so <see cref="RequestGuardMiddleware"/> leaves urlencoded bodies alone there; the route's own
/// <c>MaxRequestBodySize</c> limits them instead.
/// </summary>
internal sealed class StreamedBody
{
    public static readonly StreamedBody Instance = new();

    private StreamedBody()
    {
    }
}
