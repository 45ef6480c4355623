namespace Keycard.Core.Diagnostics;

/// <summary>
/// Hits and misses of one kind of cache entry. A lookup costs one interlocked increment; the "Keycard" meter's
/// observable <c>keycard.cache.hits</c> and <c>keycard.cache.misses</c> read the totals only when metrics are collected,
/// so the hot read paths do no tag lookup per request (issue 15: metrics under 5% of users/me).
/// </summary>
public sealed class CacheLookupCounts
{
    private long _hits;
    private long _misses;

    public long Hits => Volatile.Read(ref _hits);

    public long Misses => Volatile.Read(ref _misses);

    public void Record(bool hit)
    {
        if (hit)
        {
            Interlocked.Increment(ref _hits);
        }
        else
        {
            Interlocked.Increment(ref _misses);
        }
    }
}
