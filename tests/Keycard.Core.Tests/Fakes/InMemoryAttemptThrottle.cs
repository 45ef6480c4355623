using Keycard.Core.Storage;
using Keycard.Core.Users;

namespace Keycard.Core.Tests.Fakes;

/// <summary>The database throttle's rules (window, growing lock) in memory.</summary>
public sealed class InMemoryAttemptThrottle(TimeProvider time, LockoutOptions options) : IAttemptThrottle
{
    private readonly Dictionary<string, (int Failures, DateTimeOffset LastFailure, DateTimeOffset? LockedUntil)> _counters = [];

    public Task<AttemptStatus> GetStatusAsync(string key, CancellationToken cancellationToken)
    {
        if (!_counters.TryGetValue(key, out var counter))
        {
            return Task.FromResult(AttemptStatus.Clean);
        }

        var now = time.GetUtcNow();
        TimeSpan? lockedFor = counter.LockedUntil is { } until && until > now ? until - now : null;
        return Task.FromResult(new AttemptStatus(counter.Failures, lockedFor));
    }

    public Task<TimeSpan?> RecordFailureAsync(string key, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var failures = _counters.TryGetValue(key, out var counter) && counter.LastFailure >= now - options.FailureWindow ? counter.Failures + 1 : 1;
        var lockout = options.LockoutFor(failures);
        _counters[key] = (failures, now, lockout is { } l ? now + l : null);
        return Task.FromResult(lockout);
    }

    public Task RecordSuccessAsync(string key, CancellationToken cancellationToken)
    {
        _counters.Remove(key);
        return Task.CompletedTask;
    }
}
