using Keycard.Core.Storage;
using Keycard.Storage.Stores;

namespace Keycard.Storage.Caching;

/// <summary>
/// Every confidential client's token request asks whether the client is locked. A clean answer (no recent failures)
/// is cached for the cache duration; any other is read from the database each time, so locks start and lift on
/// time. Failures recorded through this node clear the cached answer at once; a lockout started on another node is
/// seen here within the duration.
/// </summary>
internal sealed class CachingAttemptThrottle(EfAttemptThrottle inner, StoreCache cache) : IAttemptThrottle
{
    public async Task<AttemptStatus> GetStatusAsync(string key, CancellationToken cancellationToken)
    {
        var cacheKey = "a:" + key;
        if (cache.TryGet<AttemptStatus>(cacheKey, out var cached))
        {
            return cached;
        }

        var status = await inner.GetStatusAsync(key, cancellationToken);
        if (status == AttemptStatus.Clean)
        {
            cache.Set(cacheKey, status);
        }

        return status;
    }

    public async Task<TimeSpan?> RecordFailureAsync(string key, CancellationToken cancellationToken)
    {
        var lockout = await inner.RecordFailureAsync(key, cancellationToken);
        cache.Remove("a:" + key);
        return lockout;
    }

    public async Task RecordSuccessAsync(string key, CancellationToken cancellationToken)
    {
        await inner.RecordSuccessAsync(key, cancellationToken);
        cache.Remove("a:" + key);
    }

    // Reservations are the lock itself: they always go to the database, and clear any cached answer for the key.
    public async Task<TimeSpan?> TryReserveAsync(string key, int threshold, CancellationToken cancellationToken)
    {
        var locked = await inner.TryReserveAsync(key, threshold, cancellationToken);
        cache.Remove("a:" + key);
        return locked;
    }

    public async Task ReleaseAsync(string key, CancellationToken cancellationToken)
    {
        await inner.ReleaseAsync(key, cancellationToken);
        cache.Remove("a:" + key);
    }

    public Task RememberAsync(string key, CancellationToken cancellationToken) => inner.RememberAsync(key, cancellationToken);

    public Task<bool> IsRememberedAsync(string key, TimeSpan within, CancellationToken cancellationToken) =>
        inner.IsRememberedAsync(key, within, cancellationToken);
}
