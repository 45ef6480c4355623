using Keycard.Core.Storage;
using Keycard.Storage.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Storage.Tests.Contracts;

/// <summary>
/// What every <see cref="IAttemptThrottle"/> must do, with the default lockout: five failures lock for a minute,
/// each further one doubles it, and failures older than an hour are forgotten.
/// </summary>
public abstract class AttemptThrottleContract<TDatabase>(TDatabase database) : StoreContract<TDatabase>(database)
    where TDatabase : TestDatabase
{
    [SkippableFact]
    public async Task GetStatus_UnknownKey_IsClean()
    {
        Assert.Equal(AttemptStatus.Clean, await Throttle(t => t.GetStatusAsync(NewKey(), CancellationToken.None)));
    }

    [SkippableFact]
    public async Task RecordFailure_BelowTheLimit_CountsWithoutLocking()
    {
        var key = NewKey();

        for (var i = 0; i < 4; i++)
        {
            Assert.Null(await Throttle(t => t.RecordFailureAsync(key, CancellationToken.None)));
        }

        Assert.Equal(new AttemptStatus(4, null), await Throttle(t => t.GetStatusAsync(key, CancellationToken.None)));
    }

    [SkippableFact]
    public async Task RecordFailure_FifthFailure_LocksForOneMinute()
    {
        var key = NewKey();
        await FailAsync(key, 4);

        var lockout = await Throttle(t => t.RecordFailureAsync(key, CancellationToken.None));

        Assert.Equal(TimeSpan.FromMinutes(1), lockout);
        var status = await Throttle(t => t.GetStatusAsync(key, CancellationToken.None));
        Assert.Equal(5, status.Failures);
        Assert.Equal(TimeSpan.FromMinutes(1), status.LockedFor);
    }

    [SkippableFact]
    public async Task GetStatus_LockPartlyElapsed_ReportsTheRemainderAndThenUnlocks()
    {
        var key = NewKey();
        await FailAsync(key, 5);

        Database.Time.Advance(TimeSpan.FromSeconds(45));
        var during = await Throttle(t => t.GetStatusAsync(key, CancellationToken.None));
        Database.Time.Advance(TimeSpan.FromSeconds(16));
        var after = await Throttle(t => t.GetStatusAsync(key, CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(15), during.LockedFor);
        Assert.Null(after.LockedFor);
        Assert.Equal(5, after.Failures);
    }

    [SkippableFact]
    public async Task RecordFailure_AfterTheLimit_DoublesTheLock()
    {
        var key = NewKey();
        await FailAsync(key, 5);

        var lockout = await Throttle(t => t.RecordFailureAsync(key, CancellationToken.None));

        Assert.Equal(TimeSpan.FromMinutes(2), lockout);
    }

    [SkippableFact]
    public async Task RecordFailure_PreviousFailuresOutsideTheWindow_StartsCountingAgain()
    {
        var key = NewKey();
        await FailAsync(key, 4);
        Database.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        var lockout = await Throttle(t => t.RecordFailureAsync(key, CancellationToken.None));

        Assert.Null(lockout);
        Assert.Equal(1, (await Throttle(t => t.GetStatusAsync(key, CancellationToken.None))).Failures);
    }

    [SkippableFact]
    public async Task RecordSuccess_AfterFailures_ResetsTheKeyOnly()
    {
        var key = NewKey();
        var other = NewKey();
        await FailAsync(key, 5);
        await FailAsync(other, 2);

        await Database.InScopeAsync(sp => sp.GetRequiredService<IAttemptThrottle>().RecordSuccessAsync(key, CancellationToken.None));

        Assert.Equal(AttemptStatus.Clean, await Throttle(t => t.GetStatusAsync(key, CancellationToken.None)));
        Assert.Equal(2, (await Throttle(t => t.GetStatusAsync(other, CancellationToken.None))).Failures);
    }

    [SkippableFact]
    public async Task RecordFailure_ParallelFailuresOnOneKey_CountsEveryOne()
    {
        // Failures arriving at several nodes at once must all count, or an attacker gets more guesses by spreading
        // them (RFC 6749 §10.10). Each caller has its own DbContext, as a request on another node would.
        const int callers = 12;
        var key = NewKey();
        var scopes = Enumerable.Range(0, callers).Select(_ => Database.Services.CreateAsyncScope()).ToList();
        try
        {
            var throttles = scopes.ConvertAll(s => s.ServiceProvider.GetRequiredService<IAttemptThrottle>());
            using var go = new ManualResetEventSlim();
            var racers = throttles.Select(t => Task.Run(() =>
            {
                go.Wait();
                return t.RecordFailureAsync(key, CancellationToken.None);
            })).ToList();
            go.Set();
            await Task.WhenAll(racers);
        }
        finally
        {
            foreach (var scope in scopes)
            {
                await scope.DisposeAsync();
            }
        }

        var status = await Throttle(t => t.GetStatusAsync(key, CancellationToken.None));
        Assert.Equal(callers, status.Failures);
        Assert.NotNull(status.LockedFor);
    }

    [SkippableFact]
    public async Task TryReserve_BurstOf50AcrossConnections_LetsThroughExactlyTheThreshold()
    {
        // Issue 12 item 2: the reservation is the lock, taken in the database before the password hash runs, so
        // concurrent attempts on any number of nodes cannot pass the limit (RFC 6749 §10.10). Each caller has its own
        // DbContext and connection, as a request on another node would.
        const int callers = 50;
        const int threshold = 5;
        var key = NewKey();
        var scopes = Enumerable.Range(0, callers).Select(_ => Database.Services.CreateAsyncScope()).ToList();
        TimeSpan?[] answers;
        try
        {
            var throttles = scopes.ConvertAll(s => s.ServiceProvider.GetRequiredService<IAttemptThrottle>());
            using var go = new ManualResetEventSlim();
            var racers = throttles.Select(t => Task.Run(() =>
            {
                go.Wait();
                return t.TryReserveAsync(key, threshold, CancellationToken.None);
            })).ToList();
            go.Set();
            answers = await Task.WhenAll(racers);
        }
        finally
        {
            foreach (var scope in scopes)
            {
                await scope.DisposeAsync();
            }
        }

        Assert.Equal(threshold, answers.Count(a => a is null));
        Assert.Equal(TimeSpan.FromMinutes(1), (await Throttle(t => t.GetStatusAsync(key, CancellationToken.None))).LockedFor);
    }

    [SkippableFact]
    public async Task TryReserve_LockElapsed_LetsOneMoreThroughAndDoublesTheLock()
    {
        var key = NewKey();
        for (var i = 0; i < 5; i++)
        {
            Assert.Null(await Throttle(t => t.TryReserveAsync(key, 5, CancellationToken.None)));
        }

        var locked = await Throttle(t => t.TryReserveAsync(key, 5, CancellationToken.None));
        Database.Time.Advance(TimeSpan.FromMinutes(1));
        var next = await Throttle(t => t.TryReserveAsync(key, 5, CancellationToken.None));
        var lockedAgain = await Throttle(t => t.TryReserveAsync(key, 5, CancellationToken.None));

        Assert.Equal(TimeSpan.FromMinutes(1), locked);
        Assert.Null(next);
        Assert.Equal(TimeSpan.FromMinutes(2), lockedAgain);
    }

    [SkippableFact]
    public async Task Release_AfterReservations_GivesOneBack()
    {
        var key = NewKey();
        for (var i = 0; i < 4; i++)
        {
            await Throttle(t => t.TryReserveAsync(key, 5, CancellationToken.None));
        }

        await Database.InScopeAsync(sp => sp.GetRequiredService<IAttemptThrottle>().ReleaseAsync(key, CancellationToken.None));

        Assert.Equal(new AttemptStatus(3, null), await Throttle(t => t.GetStatusAsync(key, CancellationToken.None)));
    }

    [SkippableFact]
    public async Task Remember_ThenAsked_IsRememberedUntilItAges()
    {
        var key = "known:" + NewKey();
        var before = await Throttle(t => t.IsRememberedAsync(key, TimeSpan.FromDays(30), CancellationToken.None));

        await Database.InScopeAsync(sp => sp.GetRequiredService<IAttemptThrottle>().RememberAsync(key, CancellationToken.None));
        var after = await Throttle(t => t.IsRememberedAsync(key, TimeSpan.FromDays(30), CancellationToken.None));
        Database.Time.Advance(TimeSpan.FromDays(31));
        var aged = await Throttle(t => t.IsRememberedAsync(key, TimeSpan.FromDays(30), CancellationToken.None));

        Assert.False(before);
        Assert.True(after);
        Assert.False(aged);
    }

    private static string NewKey() => "user:" + Guid.NewGuid().ToString("N").ToUpperInvariant();

    private async Task FailAsync(string key, int times)
    {
        for (var i = 0; i < times; i++)
        {
            await Throttle(t => t.RecordFailureAsync(key, CancellationToken.None));
        }
    }

    private Task<T> Throttle<T>(Func<IAttemptThrottle, Task<T>> action) =>
        Database.InScopeAsync(sp => action(sp.GetRequiredService<IAttemptThrottle>()));
}
