using System.Globalization;
using System.Net.Http.Headers;
using Keycard.Core.Tokens;
using Keycard.Server.Endpoints.Api;
using Keycard.Server.Endpoints.Login;
using Keycard.Server.Endpoints.OAuth;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;

namespace Keycard.Server.Gateway;

/// <summary>
/// What the upstream receives: the path below the route's prefix, never the caller's access token (query, header or
/// Authorization), never Keycard's own cookies, and never an <c>X-Keycard-*</c> header a client made up. Routes with
/// Instead, <c>Authorization</c> carries Keycard's signed identity token (<see cref="GatewayIdentityToken"/>); routes with
/// <see cref="GatewayRouteOptions.ForwardIdentity"/> also get the caller's identity as <c>X-Keycard-*</c> headers.
/// <c>Host</c> and <c>X-Forwarded-*</c> are YARP's defaults (destination host; X-Forwarded-For/Proto/Host/Prefix).
/// </summary>
internal static class GatewayTransform
{
    public const string UserIdHeader = "X-Keycard-User-Id";
    public const string ClientIdHeader = "X-Keycard-Client-Id";
    public const string ScopeHeader = "X-Keycard-Scope";

    public static async ValueTask ApplyAsync(
        RequestTransformContext transform, IReadOnlyDictionary<string, GatewayRouteOptions> routes, GatewayIdentityTokenCache identities)
    {
        var context = transform.HttpContext;
        var name = context.GetReverseProxyFeature().Route.Config.Metadata![GatewayRoutes.RouteNameKey];
        var route = routes[name];

        // The route matched the prefix on whole segments, and GatewayPath refused dot segments and encoded slashes,
        // so what remains is a plain path below the upstream's base.
        context.Request.Path.StartsWithSegments(route.PathPrefix, StringComparison.OrdinalIgnoreCase, out var rest);
        transform.Path = rest;

        // Reading Query.Collection makes YARP parse the query and build it again; only a query that may name the
        // parameter needs that: one that spells it out in any case, or one with escapes (access%5Ftoken decodes to it).
        var query = context.Request.QueryString.Value;
        if (!string.IsNullOrEmpty(query) &&
            (query.Contains("access_token", StringComparison.OrdinalIgnoreCase) || query.Contains('%', StringComparison.Ordinal)))
        {
            foreach (var key in transform.Query.Collection.Keys.Where(k => k.Equals("access_token", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                transform.Query.Collection.Remove(key);
            }
        }

        var headers = transform.ProxyRequest.Headers;

        // Whatever the client sent in Authorization is replaced by Keycard's own signed identity token below.
        headers.Remove("Authorization");
        if (context.Request.Headers.ContainsKey("x-access-token"))
        {
            headers.Remove("x-access-token");
        }

        // YARP copied the caller's headers; any X-Keycard-* among the copies goes (RemoveClientIdentityHeaders).
        RemoveClientIdentityHeaders(headers);

        if (HasKeycardCookie(context.Request.Headers.Cookie))
        {
            StripKeycardCookies(transform);
        }

        var token = (StoredToken)context.Items[ApiEndpoints.TokenItem]!;
        var authorization = await identities.GetAuthorizationAsync(
            name, OAuthIssuer.For, context, route.Audience ?? name, route.IdentityTokenLifetime, token, context.RequestAborted);
        headers.TryAddWithoutValidation("Authorization", authorization);

        if (route.ForwardIdentity)
        {
            if (token.UserId is { } userId)
            {
                headers.TryAddWithoutValidation(UserIdHeader, userId.ToString(CultureInfo.InvariantCulture));
            }

            headers.TryAddWithoutValidation(ClientIdHeader, token.ClientId);
            headers.TryAddWithoutValidation(ScopeHeader, token.Scope);
        }
    }

    /// <summary>
    /// Removes every <c>X-Keycard-*</c> header from the forwarded request: only Keycard may set them. Read through
    /// <see cref="HttpHeaders.NonValidated"/>, whose enumerator is a struct: enumerating the caller's
    /// <see cref="IHeaderDictionary"/> boxed one on every proxied request. The names are collected first (a header
    /// collection cannot change while it is enumerated); almost no request has any, so nothing is allocated then.
    /// </summary>
    private static void RemoveClientIdentityHeaders(HttpRequestHeaders headers)
    {
        List<string>? found = null;
        foreach (var header in headers.NonValidated)
        {
            if (header.Key.StartsWith("X-Keycard-", StringComparison.OrdinalIgnoreCase))
            {
                (found ??= []).Add(header.Key);
            }
        }

        if (found is null)
        {
            return;
        }

        foreach (var name in found)
        {
            headers.Remove(name);
        }
    }

    /// <summary>Whether the caller's cookies may include one of Keycard's (the same test <see cref="StripKeycardCookies"/> applies, on the whole header).</summary>
    private static bool HasKeycardCookie(StringValues cookies)
    {
        foreach (var value in cookies)
        {
            if (value is not null &&
                (value.Contains("keycard.", StringComparison.OrdinalIgnoreCase) || value.Contains(SignInSession.CookieName, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Keycard's sign-in session and anti-forgery cookies are Keycard's alone; the upstream never sees them.</summary>
    private static void StripKeycardCookies(RequestTransformContext transform)
    {
        if (!transform.ProxyRequest.Headers.TryGetValues("Cookie", out var values))
        {
            return;
        }

        var kept = values
            .SelectMany(v => v.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Where(c => !c.StartsWith("keycard.", StringComparison.OrdinalIgnoreCase) && !c.StartsWith(SignInSession.CookieName, StringComparison.OrdinalIgnoreCase))
            .ToList();
        transform.ProxyRequest.Headers.Remove("Cookie");
        if (kept.Count > 0)
        {
            transform.ProxyRequest.Headers.TryAddWithoutValidation("Cookie", string.Join("; ", kept));
        }
    }
}
