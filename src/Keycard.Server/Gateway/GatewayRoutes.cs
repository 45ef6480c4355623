using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Keycard.Server.Gateway;

/// <summary>
/// Turns <see cref="GatewayOptions"/> into YARP routes and clusters: one cluster per route (its own timeout) and one
/// route matching the prefix for any method. A method's own scope (<see cref="GatewayRouteOptions.MethodScopes"/>) is
/// chosen by <see cref="GatewayMiddleware"/>, not by a second route per method: routing answers a CORS preflight for
/// PUT beside a POST-only endpoint without the any-method route's CORS policy. Keycard's own literal endpoints such as
/// <c>users/me</c> win over every catch-all prefix (routing prefers literal segments).
/// </summary>
internal static class GatewayRoutes
{
    public const string RouteNameKey = "keycard.route";
    public const string ScopeKey = "keycard.scope";

    public static IReadOnlyDictionary<string, GatewayRouteOptions> Effective(GatewayOptions options)
    {
        var routes = new Dictionary<string, GatewayRouteOptions>(options.Routes, StringComparer.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(options.Upstream) && !routes.ContainsKey(GatewayOptions.UpstreamRouteName))
        {
            routes[GatewayOptions.UpstreamRouteName] = new GatewayRouteOptions
            {
                PathPrefix = GatewayOptions.DefaultPrefix,
                Upstream = options.Upstream,
            };
        }

        foreach (var (name, route) in routes)
        {
            route.PathPrefix = route.PathPrefix.TrimEnd('/');
            Validate(name, route);
        }

        return routes;
    }

    public static InMemoryConfigProvider Build(IOptions<GatewayOptions> options)
    {
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        foreach (var (name, route) in Effective(options.Value))
        {
            clusters.Add(new ClusterConfig
            {
                ClusterId = name,
                Destinations = new Dictionary<string, DestinationConfig> { ["upstream"] = new() { Address = route.Upstream } },
                HttpRequest = new ForwarderRequestConfig { ActivityTimeout = route.Timeout },
            });
            routes.Add(Route(name, route));
        }

        return new InMemoryConfigProvider(routes, clusters);
    }

    private static RouteConfig Route(string name, GatewayRouteOptions route) => new()
    {
        RouteId = name,
        ClusterId = name,
        Match = new RouteMatch { Path = route.PathPrefix + "/{**keycardRest}" },
        MaxRequestBodySize = route.MaxRequestBodySize ?? -1,
        Metadata = new Dictionary<string, string>
        {
            [RouteNameKey] = name,
            [ScopeKey] = route.Scope?.Trim() ?? "",
        },
    };

    private static void Validate(string name, GatewayRouteOptions route)
    {
        var problems = new List<string>();
        if (!route.PathPrefix.StartsWith('/') || route.PathPrefix.Length < 2 || route.PathPrefix.Contains('%', StringComparison.Ordinal) ||
            route.PathPrefix.Contains("/.", StringComparison.Ordinal) || route.PathPrefix.Contains("//", StringComparison.Ordinal) ||
            route.PathPrefix.Contains('{', StringComparison.Ordinal))
        {
            problems.Add($"Keycard:Gateway:Routes:{name}:PathPrefix must be a plain absolute path such as /external/api/rest/v2/orders.");
        }

        if (!Uri.TryCreate(route.Upstream, UriKind.Absolute, out var upstream) || (upstream.Scheme != Uri.UriSchemeHttp && upstream.Scheme != Uri.UriSchemeHttps) ||
            !string.IsNullOrEmpty(upstream.Query) || !string.IsNullOrEmpty(upstream.Fragment))
        {
            problems.Add($"Keycard:Gateway:Routes:{name}:Upstream must be an absolute http or https URL without query or fragment.");
        }

        if (route.Timeout <= TimeSpan.Zero)
        {
            problems.Add($"Keycard:Gateway:Routes:{name}:Timeout must be positive.");
        }

        if (route.IdentityTokenLifetime < TimeSpan.FromSeconds(1) || route.IdentityTokenLifetime > TimeSpan.FromHours(1))
        {
            problems.Add($"Keycard:Gateway:Routes:{name}:IdentityTokenLifetime must be between 00:00:01 and 01:00:00.");
        }

        if (route.Audience is { } audience && string.IsNullOrWhiteSpace(audience))
        {
            problems.Add($"Keycard:Gateway:Routes:{name}:Audience must not be blank; leave it unset for the route's name.");
        }

        if (route.RequestsPerSecond < 0)
        {
            problems.Add($"Keycard:Gateway:Routes:{name}:RequestsPerSecond must be 0 (no limit) or more.");
        }

        if (problems.Count > 0)
        {
            throw new OptionsValidationException(name, typeof(GatewayRouteOptions), problems);
        }
    }
}
