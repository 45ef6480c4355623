using System.Threading.RateLimiting;

namespace Keycard.Server.Gateway;

/// <summary>
/// Per-client quotas on proxied routes: a token bucket per (route, client id) refilled every second. It runs after
/// the token check because the client id is known only then, so it is a
/// <see cref="PartitionedRateLimiter"/> of its own rather than an endpoint policy of the rate-limiting middleware,
/// which runs before the endpoint. Counters live in this process: each node limits on its own.
/// </summary>
internal sealed class GatewayRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<(string Route, string ClientId, int PerSecond)> _limiter =
        PartitionedRateLimiter.Create<(string Route, string ClientId, int PerSecond), (string, string)>(
            key => RateLimitPartition.GetTokenBucketLimiter((key.Route, key.ClientId), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = key.PerSecond,
                TokensPerPeriod = key.PerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));

    /// <summary>Null when the request may pass, else how long the client should wait.</summary>
    public TimeSpan? TryAcquire(string route, string clientId, int perSecond)
    {
        if (perSecond <= 0)
        {
            return null;
        }

        using var lease = _limiter.AttemptAcquire((route, clientId, perSecond));
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => _limiter.Dispose();
}
