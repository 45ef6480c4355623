namespace Keycard.Server.Gateway;

/// <summary>
/// Gateway mode, bound from <c>Keycard:Gateway</c>: path prefixes Keycard proxies to upstream APIs after checking the
/// caller's access token exactly as <c>/external/api/rest/v2/users/me</c> does (docs/gateway.md).
/// </summary>
public sealed class GatewayOptions
{
    /// <summary>The configuration section this class is bound from (Configuration/KeycardSettings lists it for <c>config show</c>).</summary>
    public const string Section = "Keycard:Gateway";

    /// <summary>The routes by name; the name appears in logs and is the audience the upstream sees.</summary>
    public Dictionary<string, GatewayRouteOptions> Routes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// <c>keycard serve --upstream URL</c>: one backend for everything under <see cref="DefaultPrefix"/> that
    /// Keycard does not answer itself (its own <c>users/me</c> keeps precedence).
    /// </summary>
    public string? Upstream { get; set; }

    public const string DefaultPrefix = "/external/api/rest/v2";

    public const string UpstreamRouteName = "upstream";
}
