using System.Collections.Concurrent;
using Keycard.Core.Diagnostics;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Keycard.Storage.Caching;

/// <summary>
/// One bounded, short-lived memory cache for the hot read paths (token validation, users, clients). Entries expire on
/// Keycard's clock (<see cref="TimeProvider"/>), so a test crosses the cache duration by advancing a fake clock.
/// Keys are strings ("kind:id") or, on the hottest path, a key object of the caller's own type (CachingTokenStore's
/// token keys: no string built per lookup); keys of different types never collide.
/// </summary>
public sealed class StoreCache : IDisposable
{
    private readonly MemoryCache _cache;
    private readonly TimeProvider _time;
    private readonly KeycardTelemetry? _telemetry;
    private readonly ConcurrentDictionary<Type, CacheLookupCounts> _lookups = new();

    public StoreCache(IOptions<StoreCacheOptions> options, TimeProvider time, KeycardTelemetry? telemetry = null)
    {
        _time = time;
        _telemetry = telemetry;
        Duration = options.Value.Duration;
        _cache = new MemoryCache(new MemoryCacheOptions
        {
            SizeLimit = Math.Max(1, options.Value.MaxEntries),
            CompactionPercentage = 0.25,
            Clock = new TimeProviderClock(time),
        });
    }

    public TimeSpan Duration { get; }

    public bool Enabled => Duration > TimeSpan.Zero;

    public bool TryGet<T>(object key, out T? value)
    {
        if (!Enabled)
        {
            value = default;
            return false;
        }

        var hit = _cache.TryGetValue(key, out value);
        if (_telemetry is { } telemetry)
        {
            // keycard.cache.hits / (hits + misses) is the hit ratio, per kind of entry (StoredToken, Client, ...): one
            // increment here, read when metrics are collected. Keyed by type, whose hash is cheap, unlike the name's.
            _lookups.GetOrAdd(typeof(T), static (_, t) => t.CacheLookups(EntryName<T>.Value), telemetry).Record(hit);
        }

        return hit;
    }

    /// <summary>Caches for <see cref="Duration"/> (times <paramref name="durations"/>), never past <paramref name="notAfter"/>.</summary>
    public void Set<T>(object key, T value, DateTimeOffset? notAfter = null, int durations = 1)
    {
        if (!Enabled)
        {
            return;
        }

        var lifetime = Duration * durations;
        if (notAfter is { } limit)
        {
            var left = limit - _time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return;
            }

            lifetime = left < lifetime ? left : lifetime;
        }

        _cache.Set(key, value, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = _time.GetUtcNow() + lifetime });
    }

    public void Remove(object key) => _cache.Remove(key);

    public void Dispose() => _cache.Dispose();

    private sealed class TimeProviderClock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }

    private static class EntryName<T>
    {
        public static readonly string Value =
            typeof(T).GetCustomAttributes(typeof(CacheEntryNameAttribute), inherit: false) is [CacheEntryNameAttribute named] ? named.Name : typeof(T).Name;
    }
}
