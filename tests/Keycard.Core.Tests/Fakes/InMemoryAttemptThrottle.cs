using Keycard.Core.Storage;
using Keycard.Core.Users;

namespace Keycard.Core.Tests.Fakes;

/// <summary>The database throttle's rules (window, growing lock) in memory.</summary>
public sealed class InMemoryAttemptThrottle(TimeProvider time, LockoutOptions options) : IAttemptThrottle
{
    private readonly Dictionary<string, (int Failures, DateTimeOffset LastFailure, DateTimeOffset? LockedUntil)> _counters = [];
    private readonly Dictionary<string, DateTimeOffset> _remembered = [];

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
        lock (_counters)
        {
            _counters.Remove(key);
        }

        return Task.CompletedTask;
    }

    public Task<TimeSpan?> TryReserveAsync(string key, int threshold, CancellationToken cancellationToken)
    {
        lock (_counters)
        {
            var now = time.GetUtcNow();
            var exists = _counters.TryGetValue(key, out var counter);
            if (exists && counter.LockedUntil is { } until && until > now)
            {
                return Task.FromResult<TimeSpan?>(until - now);
            }

            var failures = exists && counter.LastFailure >= now - options.FailureWindow ? counter.Failures + 1 : 1;
            var lockout = options.LockoutFor(failures, threshold);
            _counters[key] = (failures, now, lockout is { } l ? now + l : counter.LockedUntil);
            return Task.FromResult<TimeSpan?>(null);
        }
    }

    public Task ReleaseAsync(string key, CancellationToken cancellationToken)
    {
        lock (_counters)
        {
            if (_counters.TryGetValue(key, out var counter) && counter.Failures > 0)
            {
                _counters[key] = counter with { Failures = counter.Failures - 1 };
            }
        }

        return Task.CompletedTask;
    }

    public Task RememberAsync(string key, CancellationToken cancellationToken)
    {
        lock (_counters)
        {
            _remembered[key] = time.GetUtcNow();
        }

        return Task.CompletedTask;
    }

    public Task<bool> IsRememberedAsync(string key, TimeSpan within, CancellationToken cancellationToken)
    {
        lock (_counters)
        {
            return Task.FromResult(_remembered.TryGetValue(key, out var at) && at >= time.GetUtcNow() - within);
        }
    }
}
