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
            db.AttemptCounters.Add(new AttemptCounterEntity
            {
                Key = key,
                Failures = 1,
                LastFailureAt = nowMs,
                LockedUntil = first is { } f ? nowMs + (long)f.TotalMilliseconds : null,
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return first;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another node inserted the first failure for this key at the same moment: count ours as an update.
                await transaction.RollbackAsync(cancellationToken);
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    public async Task RecordSuccessAsync(string key, CancellationToken cancellationToken)
    {
        await db.AttemptCounters.Where(c => c.Key == key).ExecuteDeleteAsync(cancellationToken);
    }
}
