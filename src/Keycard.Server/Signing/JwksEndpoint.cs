using System.Text;
using Keycard.Core.Signing;
using Keycard.Server.Http;
using Microsoft.Extensions.Options;

namespace Keycard.Server.Signing;

/// <summary>RFC 7517 §5: the JWK Set of the published signing keys, for clients validating Keycard's JWTs offline.</summary>
internal static class JwksEndpoint
{
    public const string Path = "/.well-known/jwks.json";

    /// <summary>
    /// How long a client may cache the set: at most 5 minutes, and at most half of
    /// <see cref="Storage.SigningKeys.SigningKeyOptions.PublishAhead"/>, so a cache always holds a new key before it signs.
    /// </summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    public static TimeSpan MaxAgeFor(Storage.SigningKeys.SigningKeyOptions options) =>
        TimeSpan.FromTicks(Math.Min(MaxAge.Ticks, options.PublishAhead.Ticks / 2));

    public static IEndpointRouteBuilder MapJwks(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, async (HttpContext context, ISigningKeyRing ring, IOptions<Storage.SigningKeys.SigningKeyOptions> options, CancellationToken ct) =>
        {
            var keys = await ring.GetPublishedAsync(ct);
            if (keys.Count == 0)
            {
                await ring.GetCurrentAsync(ct);
                keys = await ring.GetPublishedAsync(ct);
            }

            // The stored public JWKs are already JSON objects with only public members (kty, use, kid, alg, n/e or crv/x/y).
            var body = new StringBuilder("{\"keys\":[");
            body.AppendJoin(',', keys.OrderBy(k => k.ActivatesAt).Select(k => k.PublicJwk));
            body.Append("]}");
            context.Response.Headers.CacheControl = $"public, max-age={(int)MaxAgeFor(options.Value).TotalSeconds}";
            return Results.Text(body.ToString(), "application/json", Encoding.UTF8);
        }).RequireCors(ClientOriginCorsPolicyProvider.PolicyName);
        return routes;
    }
}
