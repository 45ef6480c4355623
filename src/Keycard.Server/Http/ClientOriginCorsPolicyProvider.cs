using Keycard.Core.Storage;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Caching.Memory;

namespace Keycard.Server.Http;

/// <summary>
/// CORS for browser apps: an origin some client registered (<c>--origin</c>) may call the token endpoints and the
/// API with exactly the headers they read. Any other origin gets no CORS headers, so the browser blocks it.
/// Answers are cached for a few seconds; a newly registered origin works on every node within that time.
/// </summary>
internal sealed class ClientOriginCorsPolicyProvider(IMemoryCache cache) : ICorsPolicyProvider
{
    /// <summary>The policy name the routes browser apps call require (<c>RequireCors</c>).</summary>
    public const string PolicyName = "registered-origins";

    /// <summary>
    /// The same origins and headers for the gateway's proxied routes, which serve every method their upstream does,
    /// so a registered browser app may also PUT, PATCH and DELETE there. Keycard's own endpoints stay GET and POST.
    /// </summary>
    public const string ProxiedPolicyName = "registered-origins-proxied";

    private static readonly string[] OwnMethods = ["GET", "POST"];
    private static readonly string[] ProxiedMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    public static readonly string[] AllowedHeaders =
    [
        "content-type", "authorization",
        "x-auth-username", "x-auth-password", "x-client-id", "x-client-secret",
        "x-grant-type", "x-redirect-uri", "x-scope", "x-auth-code", "x-refresh-token", "x-code-verifier", "x-code-challenge",
        "x-token", "x-access-token",
    ];

    public async Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin) || origin.Length > 300 || origin.Contains(',', StringComparison.Ordinal))
        {
            return null;
        }

        var allowed = await cache.GetOrCreateAsync("cors:" + origin, async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CacheFor;
            entry.Size = 1;
            var clients = context.RequestServices.GetRequiredService<IClientStore>();
            return await clients.IsOriginAllowedAsync(origin, context.RequestAborted);
        });
        if (!allowed)
        {
            return null;
        }

        var policy = new CorsPolicyBuilder()
            .WithOrigins(origin)
            .WithMethods(policyName == ProxiedPolicyName ? ProxiedMethods : OwnMethods)
            .WithHeaders(AllowedHeaders)
            .WithExposedHeaders("WWW-Authenticate", "Retry-After")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))
            .Build();
        return policy;
    }
}
