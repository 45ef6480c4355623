using Keycard.Core.Storage;
using Keycard.Storage.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Storage.Caching;

/// <summary>
/// Every confidential client's token request asks whether the client is locked. A clean answer (no recent failures)
/// is cached for the cache duration; any other is read from the database each time, so locks start and lift on
/// time. Failures recorded through this node clear the cached answer at once; a lockout started on another node is
/// seen here within the duration.
/// A hit leases no DbContext: the EF Core store is resolved only on a miss or a write.
/// </summary>
internal sealed class CachingAttemptThrottle(IServiceProvider services, StoreCache cache) : IAttemptThrottle
{
    private EfAttemptThrottle? _inner;

    public async Task<AttemptStatus> GetStatusAsync(string key, CancellationToken cancellationToken)
    {
        var cacheKey = "a:" + key;
        if (cache.TryGet<AttemptStatus>(cacheKey, out var cached))
        {
            return cached;
        }

        var status = await Inner.GetStatusAsync(key, cancellationToken);
        if (status == AttemptStatus.Clean)
        {
            cache.Set(cacheKey, status);
        }

        return status;
    }

    public async Task<TimeSpan?> RecordFailureAsync(string key, CancellationToken cancellationToken)
    {
        var lockout = await Inner.RecordFailureAsync(key, cancellationToken);
        cache.Remove("a:" + key);
        return lockout;
    }

    public async Task RecordSuccessAsync(string key, CancellationToken cancellationToken)
    {
        await Inner.RecordSuccessAsync(key, cancellationToken);
        cache.Remove("a:" + key);
    }

    // Reservations are the lock itself: they always go to the database, and clear any cached answer for the key.
    public async Task<TimeSpan?> TryReserveAsync(string key, int threshold, CancellationToken cancellationToken)
    {
        var locked = await Inner.TryReserveAsync(key, threshold, cancellationToken);
        cache.Remove("a:" + key);
        return locked;
    }

    public async Task ReleaseAsync(string key, CancellationToken cancellationToken)
    {
        await Inner.ReleaseAsync(key, cancellationToken);
        cache.Remove("a:" + key);
    }

    public Task RememberAsync(string key, CancellationToken cancellationToken) => Inner.RememberAsync(key, cancellationToken);

    public Task<bool> IsRememberedAsync(string key, TimeSpan within, CancellationToken cancellationToken) =>
        Inner.IsRememberedAsync(key, within, cancellationToken);

    /// <summary>The EF Core store, resolved (and a pooled DbContext leased) only when the cache cannot answer.</summary>
    private EfAttemptThrottle Inner => _inner ??= services.GetRequiredService<EfAttemptThrottle>();
}
