namespace Keycard.Server.Gateway;

/// <summary>One proxied route: a path prefix, the upstream it forwards to, and what a caller needs to get through.</summary>
public sealed class GatewayRouteOptions
{
    /// <summary>The path prefix clients call, e.g. <c>/external/api/rest/v2/orders</c>; whole segments only.</summary>
    public string PathPrefix { get; set; } = "";

    /// <summary>
    /// The upstream base URL. The part of the request path after <see cref="PathPrefix"/> is appended to it, so the
    /// upstream never receives a path outside its base.
    /// </summary>
    public string Upstream { get; set; } = "";

    /// <summary>Space-separated scopes every request needs; empty accepts any valid token.</summary>
    public string? Scope { get; set; }

    /// <summary>Scopes per HTTP method (GET, POST, ...), replacing <see cref="Scope"/> for that method.</summary>
    public Dictionary<string, string> MethodScopes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Add X-Keycard-User-Id, X-Keycard-Client-Id and X-Keycard-Scope for an upstream on a private network.</summary>
    public bool ForwardIdentity { get; set; }

    /// <summary>How long the upstream may stay silent before the caller gets 504.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>The largest request body this route streams to the upstream; null lifts the limit.</summary>
    public long? MaxRequestBodySize { get; set; } = 30L * 1024 * 1024;

    /// <summary>
    /// The <c>aud</c> of the identity JWT the upstream receives in <c>Authorization</c>; null means the route's name.
    /// </summary>
    public string? Audience { get; set; }

    /// <summary>How long the upstream identity JWT is valid (its <c>exp</c> minus <c>iat</c>).</summary>
    public TimeSpan IdentityTokenLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Requests per second each client id may make on this route (429 beyond); 0 means no limit.</summary>
    public int RequestsPerSecond { get; set; }
}
