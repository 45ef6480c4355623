using Keycard.Core.Storage;
using Keycard.Core.Users;
using Keycard.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Keycard.Storage.Stores;

/// <summary>Failure counters in the database, so a lockout started on one node holds on every node.</summary>
internal sealed class EfAttemptThrottle(KeycardDbContext db, TimeProvider time, IOptions<LockoutOptions> options) : IAttemptThrottle
{
    public async Task<AttemptStatus> GetStatusAsync(string key, CancellationToken cancellationToken)
    {
        var counter = await db.AttemptCounters.AsNoTracking().FirstOrDefaultAsync(c => c.Key == key, cancellationToken);
        if (counter is null)
        {
            return AttemptStatus.Clean;
        }

        var nowMs = TimeMapping.ToMs(time.GetUtcNow());
        var lockedFor = counter.LockedUntil is { } until && until > nowMs ? TimeSpan.FromMilliseconds(until - nowMs) : (TimeSpan?)null;
        return new AttemptStatus(counter.Failures, lockedFor);
    }

    public async Task<TimeSpan?> RecordFailureAsync(string key, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var nowMs = TimeMapping.ToMs(now);
        var windowStart = nowMs - (long)options.Value.FailureWindow.TotalMilliseconds;

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var counter = await db.AttemptCounters.FirstOrDefaultAsync(c => c.Key == key, cancellationToken);
        if (counter is null)
        {
            counter = new AttemptCounterEntity { Key = key };
            db.AttemptCounters.Add(counter);
        }
        else if (counter.LastFailureAt < windowStart)
        {
            counter.Failures = 0;
        }

        counter.Failures++;
        counter.LastFailureAt = nowMs;
        var lockout = options.Value.LockoutFor(counter.Failures);
        counter.LockedUntil = lockout is { } l ? nowMs + (long)l.TotalMilliseconds : null;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another node inserted the same key at the same moment; its count stands, ours is one failure short.
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        return lockout;
    }

    public async Task RecordSuccessAsync(string key, CancellationToken cancellationToken)
    {
        await db.AttemptCounters.Where(c => c.Key == key).ExecuteDeleteAsync(cancellationToken);
    }
}
