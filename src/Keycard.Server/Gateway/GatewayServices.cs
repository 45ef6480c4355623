using Keycard.Server.Endpoints.Api;
using Keycard.Server.Endpoints.IOffice;
using Keycard.Server.Http;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;

namespace Keycard.Server.Gateway;

/// <summary>Registers gateway mode (YARP with Keycard's token check in front) and maps its routes.</summary>
internal static class GatewayServices
{
    public static IServiceCollection AddKeycardGateway(this IServiceCollection services, string? upstream)
    {
        services.AddOptions<GatewayOptions>().BindConfiguration("Keycard:Gateway").Configure<IConfiguration>((o, configuration) =>
        {
            // The binder silently drops a dictionary entry it cannot convert (Timeout=soon): the route would vanish
            // and its calls 404. Binding that route alone throws the binder's message naming the setting instead.
            foreach (var route in configuration.GetSection("Keycard:Gateway:Routes").GetChildren().Where(r => !o.Routes.ContainsKey(r.Key)))
            {
                route.Get<GatewayRouteOptions>();
                throw new OptionsValidationException(route.Key, typeof(GatewayRouteOptions), [$"{route.Path} could not be read."]);
            }
        }).PostConfigure(o =>
        {
            // keycard serve --upstream URL
            if (!string.IsNullOrEmpty(upstream))
            {
                o.Upstream = upstream;
            }
        });
        services.AddSingleton<GatewayRateLimiter>();
        services.AddSingleton<GatewayIdentityTokenCache>();
        services.AddSingleton<GatewayTokenValidator>();
        services.AddSingleton<IProxyConfigProvider>(sp => GatewayRoutes.Build(sp.GetRequiredService<IOptions<GatewayOptions>>()));
        services.AddReverseProxy().AddTransforms(builder =>
        {
            var routes = GatewayRoutes.Effective(builder.Services.GetRequiredService<IOptions<GatewayOptions>>().Value);
            var identities = builder.Services.GetRequiredService<GatewayIdentityTokenCache>();
            builder.AddRequestTransform(transform => GatewayTransform.ApplyAsync(transform, routes, identities));
        });
        return services;
    }

    /// <summary>Whether routing sent this request to a gateway route (YARP's endpoints carry its route model).</summary>
    public static bool IsProxied(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>() is not null;

    public static IEndpointRouteBuilder MapKeycardGateway(this IEndpointRouteBuilder routes)
    {
        routes.MapReverseProxy(proxy => proxy.UseMiddleware<GatewayMiddleware>())
            .ConfigureEndpoints((endpoint, route) =>
            {
                // CORS for registered client origins, as on Keycard's own endpoints but with every method a route
                // serves. Named in endpoint metadata, not in YARP's route config, because the policy comes from
                // ClientOriginCorsPolicyProvider, not CorsOptions.
                endpoint.RequireCors(ClientOriginCorsPolicyProvider.ProxiedPolicyName);

                // The body is the upstream's: the request guard's form checks are for Keycard's own endpoints.
                endpoint.WithMetadata(StreamedBody.Instance);

                // The scope the REST API's token check demands of this route (and method).
                if (route.Metadata?.GetValueOrDefault(GatewayRoutes.ScopeKey) is { Length: > 0 } scope)
                {
                    endpoint.WithMetadata(new RequiredScope(scope));
                }
            });
        return routes;
    }
}
