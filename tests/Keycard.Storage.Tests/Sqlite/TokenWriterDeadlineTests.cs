using Keycard.Core.Storage;
using Keycard.Core.Tokens;
using Keycard.Storage.Faults;
using Keycard.Storage.Tests.Infrastructure;
using Keycard.Storage.Tokens;
using Keycard.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Keycard.Storage.Tests.Sqlite;

/// <summary>
/// Issue 14 item 4: a stalled database (here: another connection holding SQLite's write lock, with a busy timeout far
/// longer than the test) must not hold a caller past the deadline, nor let one stalled batch hold every later write.
/// The deadline is counted on the fake clock, so the test advances it instead of sleeping.
/// </summary>
public sealed class TokenWriterDeadlineTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly SqliteTestDatabase _database = new();
    private readonly FakeTimeProvider _time = new(TestDatabase.Start);
    private ServiceProvider _services = null!;
    private DatabaseLocation _location = null!;

    public async Task InitializeAsync()
    {
        _location = (await _database.CreateEmptyAsync()).WithTimeout(Deadline);
        _services = TestDatabase.BuildServices(_location, _time);
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<KeycardDatabase>().MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Add_DatabaseStalledPastTheDeadline_FailsThisAndLaterCallersAtOnceAndRecovers()
    {
        var writer = _services.GetRequiredService<TokenWriteBatcher>();
        await AddAsync(TestTokens.New(TestDatabase.Start)); // the writer's connection is open and tuned

        await using var blocker = new SqliteConnection(_location.ConnectionString);
        await blocker.OpenAsync();
        await ExecuteAsync(blocker, "BEGIN IMMEDIATE;");

        var stalled = TestTokens.New(TestDatabase.Start);
        var first = AddAsync(stalled);
        await WaitUntilAsync(() => writer.BatchInProgress);
        Assert.False(first.IsCompleted);

        _time.Advance(Deadline + TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<TokenWriterStalledException>(() => first);
        var refused = TestTokens.New(TestDatabase.Start);
        await Assert.ThrowsAsync<TokenWriterStalledException>(() => AddAsync(refused));

        await ExecuteAsync(blocker, "ROLLBACK;");
        await WaitUntilAsync(() => !writer.BatchInProgress);

        var later = TestTokens.New(TestDatabase.Start);
        await AddAsync(later);
        Assert.NotNull(await FindAsync(later.Hash));
        Assert.Null(await FindAsync(refused.Hash));
    }

    [Fact]
    public async Task Add_QueuedBehindAStalledBatch_FailsAtItsOwnDeadlineAndIsNeverWritten()
    {
        var writer = _services.GetRequiredService<TokenWriteBatcher>();
        await AddAsync(TestTokens.New(TestDatabase.Start));

        await using var blocker = new SqliteConnection(_location.ConnectionString);
        await blocker.OpenAsync();
        await ExecuteAsync(blocker, "BEGIN IMMEDIATE;");

        var first = AddAsync(TestTokens.New(TestDatabase.Start));
        await WaitUntilAsync(() => writer.BatchInProgress);
        _time.Advance(Deadline / 2);
        var queued = TestTokens.New(TestDatabase.Start);
        var second = AddAsync(queued);

        _time.Advance(Deadline / 2 + TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<TokenWriterStalledException>(() => first);
        Assert.False(second.IsCompleted);

        _time.Advance(Deadline / 2);

        await Assert.ThrowsAsync<TokenWriterStalledException>(() => second);
        await ExecuteAsync(blocker, "ROLLBACK;");
        await WaitUntilAsync(() => !writer.BatchInProgress);
        var later = TestTokens.New(TestDatabase.Start);
        await AddAsync(later);
        Assert.NotNull(await FindAsync(later.Hash));
        Assert.Null(await FindAsync(queued.Hash));
    }

    private async Task AddAsync(StoredToken token)
    {
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ITokenStore>().AddAsync([token], CancellationToken.None);
    }

    private async Task<StoredToken?> FindAsync(byte[] hash)
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ITokenStore>().FindAsync(hash, CancellationToken.None);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        // Real time only bounds how long the test may take; the assertions do not depend on it.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
