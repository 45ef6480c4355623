using Keycard.Core.Authorization;
using Keycard.Core.Storage;
using Keycard.Storage.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Storage.Tests.Contracts;

/// <summary>What every <see cref="ISignInSessionStore"/> must do, whatever the database: the server side of sign-in sessions.</summary>
public abstract class SignInSessionStoreContract<TDatabase>(TDatabase database) : StoreContract<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private static readonly DateTimeOffset AuthTime = TestDatabase.Start;

    [SkippableFact]
    public async Task Find_UnknownId_ReturnsNull()
    {
        Assert.Null(await Store(s => s.FindAsync(NewSessionId(), CancellationToken.None)));
    }

    [SkippableFact]
    public async Task Add_ThenFind_ReturnsTheSessionAsStored()
    {
        var session = NewSession(NewUserId());

        await AddAsync(session);

        var found = await Store(s => s.FindAsync(session.Id, CancellationToken.None));
        Assert.Equal(session, found);
        Assert.True(found!.IsActiveAt(AuthTime.AddMinutes(1)));
    }

    [SkippableFact]
    public async Task End_ActiveSession_IsFoundAsEndedAndEndingAgainReturnsFalse()
    {
        var session = NewSession(NewUserId());
        await AddAsync(session);
        var endedAt = AuthTime.AddMinutes(10);

        var ended = await Store(s => s.EndAsync(session.Id, endedAt, CancellationToken.None));
        var again = await Store(s => s.EndAsync(session.Id, endedAt.AddMinutes(1), CancellationToken.None));

        Assert.True(ended);
        Assert.False(again);
        var found = await Store(s => s.FindAsync(session.Id, CancellationToken.None));
        Assert.Equal(endedAt, found!.EndedAt);
        Assert.False(found.IsActiveAt(endedAt.AddMinutes(1)));
    }

    [SkippableFact]
    public async Task End_UnknownId_ReturnsFalse()
    {
        Assert.False(await Store(s => s.EndAsync(NewSessionId(), AuthTime, CancellationToken.None)));
    }

    [SkippableFact]
    public async Task EndForUser_SeveralSessions_EndsEveryActiveOneOfThatUserOnly()
    {
        var (user, other) = (NewUserId(), NewUserId());
        var first = NewSession(user);
        var second = NewSession(user) with { AuthTime = AuthTime.AddMinutes(5) };
        var alreadyEnded = NewSession(user) with { EndedAt = AuthTime.AddMinutes(1) };
        var othersSession = NewSession(other);
        foreach (var session in new[] { first, second, alreadyEnded, othersSession })
        {
            await AddAsync(session);
        }

        var now = AuthTime.AddMinutes(30);
        var count = await Store(s => s.EndForUserAsync(user, now, CancellationToken.None));

        Assert.Equal(2, count);
        Assert.Equal(now, (await FindAsync(first.Id))!.EndedAt);
        Assert.Equal(now, (await FindAsync(second.Id))!.EndedAt);
        Assert.Equal(AuthTime.AddMinutes(1), (await FindAsync(alreadyEnded.Id))!.EndedAt);
        Assert.Null((await FindAsync(othersSession.Id))!.EndedAt);
    }

    [SkippableFact]
    public async Task Prune_ExpiredAndEndedSessions_DeletesThemAndKeepsLiveOnes()
    {
        var user = NewUserId();
        var cutoff = AuthTime.AddHours(2);
        var expired = NewSession(user) with { ExpiresAt = cutoff.AddMinutes(-1) };
        var ended = NewSession(user) with { EndedAt = cutoff.AddMinutes(-1) };
        var live = NewSession(user) with { ExpiresAt = cutoff.AddHours(8) };
        var endedAfterCutoff = NewSession(user) with { ExpiresAt = cutoff.AddHours(8), EndedAt = cutoff.AddMinutes(1) };
        foreach (var session in new[] { expired, ended, live, endedAfterCutoff })
        {
            await AddAsync(session);
        }

        var deleted = await Store(s => s.PruneAsync(cutoff, CancellationToken.None));

        // Other tests of this class share the database, so at least our two rows went.
        Assert.True(deleted >= 2, $"deleted {deleted}");
        Assert.Null(await FindAsync(expired.Id));
        Assert.Null(await FindAsync(ended.Id));
        Assert.Equal(live, await FindAsync(live.Id));
        Assert.Equal(endedAfterCutoff, await FindAsync(endedAfterCutoff.Id));
    }

    [SkippableFact]
    public async Task ListForUser_MixedSessions_ReturnsUnexpiredOnesNewestFirstIncludingEnded()
    {
        var (user, other) = (NewUserId(), NewUserId());
        var now = AuthTime.AddHours(1);
        var older = NewSession(user);
        var newer = NewSession(user) with { AuthTime = AuthTime.AddMinutes(30), EndedAt = AuthTime.AddMinutes(40) };
        var expired = NewSession(user) with { ExpiresAt = now.AddMinutes(-1) };
        foreach (var session in new[] { older, newer, expired, NewSession(other) })
        {
            await AddAsync(session);
        }

        var listed = await Store(s => s.ListForUserAsync(user, now, CancellationToken.None));

        Assert.Equal([newer.Id, older.Id], listed.Select(s => s.Id));
    }

    private static SignInSessionRecord NewSession(int userId) => new(NewSessionId(), userId, AuthTime, AuthTime.AddHours(8));

    private static string NewSessionId() => Guid.NewGuid().ToString("N");

    private static int NewUserId() => Random.Shared.Next(1_000_000, int.MaxValue);

    private Task AddAsync(SignInSessionRecord session) => Store(async s =>
    {
        await s.AddAsync(session, CancellationToken.None);
        return true;
    });

    private Task<SignInSessionRecord?> FindAsync(string id) => Store(s => s.FindAsync(id, CancellationToken.None));

    private Task<T> Store<T>(Func<ISignInSessionStore, Task<T>> action) =>
        Database.InScopeAsync(sp => action(sp.GetRequiredService<ISignInSessionStore>()));
}
