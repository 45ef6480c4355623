using Keycard.Core.Errors;
using Keycard.Core.Tokens;
using Keycard.Server.Endpoints.Api;
using Keycard.Server.Endpoints.IOffice;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Keycard.Server.Gateway;

/// <summary>
/// The gateway's step in YARP's proxy pipeline, for every proxied request in this order: refuse ambiguous paths,
/// check the access token exactly as the REST API does (<see cref="ApiEndpoints.RequireAccessTokenAsync"/>: one
/// transport, 403 for an expired token sent the guide's way, 401 with an RFC 6750 challenge otherwise,
/// 403 insufficient_scope), apply the route's per-client quota, forward, and turn an upstream failure into 502 or 504
/// in the iOFFICE error shape. It never reads the request body, so bodies stream to the upstream.
/// </summary>
internal sealed partial class GatewayMiddleware(
    RequestDelegate next,
    IOptions<GatewayOptions> options,
    GatewayRateLimiter limiter,
    GatewayTokenValidator tokens,
    ILogger<GatewayMiddleware> logger)
{
    private static readonly object Passed = new();
    private readonly IReadOnlyDictionary<string, GatewayRouteOptions> _routes = GatewayRoutes.Effective(options.Value);

    public async Task InvokeAsync(HttpContext context)
    {
        var config = context.GetReverseProxyFeature().Route.Config;
        var name = config.Metadata![GatewayRoutes.RouteNameKey];
        var route = _routes[name];

        if (GatewayPath.FindProblem(context) is { } problem)
        {
            await IOfficeResults.Error(context, ProtocolError.InvalidRequest(problem)).ExecuteAsync(context);
            return;
        }

        if (route.MethodScopes.TryGetValue(context.Request.Method, out var methodScope))
        {
            context.Items[ApiEndpoints.RequiredScopeItem] = new RequiredScope(methodScope.Trim());
        }

        var outcome = await ApiEndpoints.RequireAccessTokenAsync(
            new DefaultEndpointFilterInvocationContext(context),
            _ => ValueTask.FromResult<object?>(Passed),
            tokens.Validator);
        if (!ReferenceEquals(outcome, Passed))
        {
            await ((IResult)outcome!).ExecuteAsync(context);
            return;
        }

        var token = (StoredToken)context.Items[ApiEndpoints.TokenItem]!;
        if (limiter.TryAcquire(name, token.ClientId, route.RequestsPerSecond) is { } wait)
        {
            // RFC 6585 §4: 429 with Retry-After.
            var error = new ProtocolError(OAuthErrorCodes.TooManyAttempts, $"This client may call '{name}' {route.RequestsPerSecond} times a second; slow down.") { RetryAfter = wait };
            await IOfficeResults.Error(context, error).ExecuteAsync(context);
            return;
        }

        await next(context);

        if (context.Features.Get<IForwarderErrorFeature>() is { } failure)
        {
            await WriteUpstreamErrorAsync(context, name, failure.Error);
        }
    }

    private async Task WriteUpstreamErrorAsync(HttpContext context, string name, ForwarderError error)
    {
        if (error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyClient or ForwarderError.ResponseBodyCanceled)
        {
            // The caller went away or sent a broken body; nothing to tell the operator about the upstream.
            return;
        }

        var timedOut = error is ForwarderError.RequestTimedOut;
        LogUpstreamFailed(logger, name, error);
        if (context.Response.HasStarted)
        {
            return;
        }

        var status = timedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway;
        var failure = timedOut
            ? new ProtocolError(GatewayErrorCodes.UpstreamTimeout, $"The API behind '{name}' did not answer in time.")
            : new ProtocolError(GatewayErrorCodes.UpstreamUnavailable, $"The API behind '{name}' could not be reached.");
        context.Response.Headers.Remove("WWW-Authenticate");
        await IOfficeResults.Error(context, failure, status).ExecuteAsync(context);
    }

    [LoggerMessage(EventId = 1701, Level = LogLevel.Warning, Message = "Gateway route {Route}: upstream failed ({Error})")]
    private static partial void LogUpstreamFailed(ILogger logger, string route, ForwarderError error);
}
