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
}
