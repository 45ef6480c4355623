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
        var nowMs = TimeMapping.ToMs(time.GetUtcNow());
        var windowStart = nowMs - (long)options.Value.FailureWindow.TotalMilliseconds;

        // Failures arriving on several nodes at once must all count, or spreading guesses across nodes buys more of
        // them. A read-modify-write would lose updates under PostgreSQL's READ COMMITTED, so the count is incremented
        // in the database: the UPDATE row lock makes concurrent failures queue, and each sees the others' increments.
        for (var attempt = 0; ; attempt++)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var updated = await db.AttemptCounters
                .Where(c => c.Key == key)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(c => c.Failures, c => c.LastFailureAt < windowStart ? 1 : c.Failures + 1)
                    .SetProperty(c => c.LastFailureAt, nowMs), cancellationToken);
            if (updated > 0)
            {
                var failures = await db.AttemptCounters.Where(c => c.Key == key).Select(c => c.Failures).FirstAsync(cancellationToken);
                var lockout = options.Value.LockoutFor(failures);
                long? lockedUntil = lockout is { } l ? nowMs + (long)l.TotalMilliseconds : null;
                await db.AttemptCounters
                    .Where(c => c.Key == key)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.LockedUntil, lockedUntil), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return lockout;
            }

            var first = options.Value.LockoutFor(1);
            if (await TryInsertFirstAsync(transaction, key, nowMs, first, mayRetry: attempt < 3, cancellationToken))
            {
                return first;
            }
        }
    }

    public async Task RecordSuccessAsync(string key, CancellationToken cancellationToken)
    {
        await db.AttemptCounters.Where(c => c.Key == key).ExecuteDeleteAsync(cancellationToken);
    }

    public async Task<TimeSpan?> TryReserveAsync(string key, int threshold, CancellationToken cancellationToken)
    {
        var nowMs = TimeMapping.ToMs(time.GetUtcNow());
        var windowStart = nowMs - (long)options.Value.FailureWindow.TotalMilliseconds;

        // The increment and the lock it earns commit together, and the UPDATE only touches an unlocked row: under
        // PostgreSQL's READ COMMITTED a concurrent reservation waits on the row lock and then re-checks the condition
        // against the committed row, so once the attempt reaching the threshold has locked the key, every later one
        // (on any node) finds it locked. SQLite serialises writers outright.
        for (var attempt = 0; ; attempt++)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var updated = await db.AttemptCounters
                .Where(c => c.Key == key && (c.LockedUntil == null || c.LockedUntil <= nowMs))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(c => c.Failures, c => c.LastFailureAt < windowStart ? 1 : c.Failures + 1)
                    .SetProperty(c => c.LastFailureAt, nowMs), cancellationToken);
            if (updated > 0)
            {
                var failures = await db.AttemptCounters.Where(c => c.Key == key).Select(c => c.Failures).FirstAsync(cancellationToken);
                if (options.Value.LockoutFor(failures, threshold) is { } lockout)
                {
                    var until = nowMs + (long)lockout.TotalMilliseconds;
                    await db.AttemptCounters.Where(c => c.Key == key)
                        .ExecuteUpdateAsync(s => s.SetProperty(c => c.LockedUntil, until), cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                return null;
            }

            var lockedUntil = await db.AttemptCounters.Where(c => c.Key == key).Select(c => c.LockedUntil).ToListAsync(cancellationToken);
            if (lockedUntil is [{ } lockedTo])
            {
                await transaction.RollbackAsync(cancellationToken);
                return TimeSpan.FromMilliseconds(Math.Max(lockedTo - nowMs, 1));
            }

            if (await TryInsertFirstAsync(transaction, key, nowMs, options.Value.LockoutFor(1, threshold), mayRetry: attempt < 3, cancellationToken))
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Inserts the key's first counted attempt and commits. False when another node inserted it at the same moment
    /// (and <paramref name="mayRetry"/>): the transaction is rolled back and the caller counts its attempt as an update.
    /// </summary>
    private async Task<bool> TryInsertFirstAsync(
        Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction, string key, long nowMs, TimeSpan? lockout, bool mayRetry, CancellationToken cancellationToken)
    {
        db.AttemptCounters.Add(new AttemptCounterEntity
        {
            Key = key,
            Failures = 1,
            LastFailureAt = nowMs,
            LockedUntil = lockout is { } l ? nowMs + (long)l.TotalMilliseconds : null,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException) when (mayRetry)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    public async Task ReleaseAsync(string key, CancellationToken cancellationToken)
    {
        await db.AttemptCounters.Where(c => c.Key == key && c.Failures > 0)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Failures, c => c.Failures - 1), cancellationToken);
    }

    public async Task RememberAsync(string key, CancellationToken cancellationToken)
    {
        var nowMs = TimeMapping.ToMs(time.GetUtcNow());
        var updated = await db.AttemptCounters.Where(c => c.Key == key)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastFailureAt, nowMs), cancellationToken);
        if (updated > 0)
        {
            return;
        }

        db.AttemptCounters.Add(new AttemptCounterEntity { Key = key, Failures = 0, LastFailureAt = nowMs });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Remembered by a concurrent sign-in: as good as ours.
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    public async Task<bool> IsRememberedAsync(string key, TimeSpan within, CancellationToken cancellationToken)
    {
        var sinceMs = TimeMapping.ToMs(time.GetUtcNow()) - (long)within.TotalMilliseconds;
        return await db.AttemptCounters.AsNoTracking().AnyAsync(c => c.Key == key && c.LastFailureAt >= sinceMs, cancellationToken);
    }
}
