using Keycard.Core.Security;
using Keycard.Core.Storage;
using Keycard.Core.Tokens;
using Keycard.Storage.Tests.Infrastructure;
using Keycard.Storage.Tokens;
using Keycard.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Keycard.Storage.Tests.Postgres;

/// <summary>
/// Issue 14 item 8: on PostgreSQL, lookups that arrive while one is on the network go together in the next statement
/// (<c>WHERE "Hash" = ANY($1)</c>): one command, round trip and completion for many lookups. Each caller must still
/// get its own row (or none), whatever else shares its statement.
/// </summary>
public sealed class PostgresTokenReaderTests(PostgresTestDatabase database) : IClassFixture<PostgresTestDatabase>
{
    private static readonly DateTimeOffset Now = TestDatabase.Start;

    [SkippableFact]
    public async Task Find_ManyAtOnce_EachGetsItsOwnTokenInFewerStatementsThanLookups()
    {
        Skip.If(database.Unavailable is not null, database.Unavailable);
        var stored = Enumerable.Range(0, 100).Select(i => TestTokens.New(Now, i % 2 == 0 ? TokenKind.RefreshToken : TokenKind.AuthorizationCode)).ToArray();
        await database.AddTokensAsync(stored);
        var unknown = Enumerable.Range(0, 50).Select(_ => SecureToken.Hash(SecureToken.Generate())).ToArray();
        var reader = database.Services.GetRequiredService<TokenReader>();
        // Every stored token twice (two requests presenting the same value at once), and hashes that match nothing.
        var asked = stored.Select(t => t.Hash).Concat(stored.Select(t => t.Hash)).Concat(unknown).ToArray();
        Random.Shared.Shuffle(asked);
        // The table locked while every lookup is asked (ACCESS EXCLUSIVE blocks reads too), so the first statement
        // waits on the database until all are queued, however the machine schedules this thread: what is measured is
        // the batching, not a race between this loop and the database's first answer.
        await using var locker = new NpgsqlConnection(database.Location.ConnectionString);
        await locker.OpenAsync();
        await using var hold = await locker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE tokens IN ACCESS EXCLUSIVE MODE", locker, hold))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var before = reader.Statements;
        var finding = asked.Select(hash => reader.FindAsync(hash, CancellationToken.None)).ToArray();
        await hold.RollbackAsync();
        var found = await Task.WhenAll(finding).WaitAsync(TimeSpan.FromSeconds(30));

        var byHash = stored.ToDictionary(t => Convert.ToHexString(t.Hash));
        for (var i = 0; i < asked.Length; i++)
        {
            if (byHash.TryGetValue(Convert.ToHexString(asked[i]), out var expected))
            {
                Assert.NotNull(found[i]);
                Assert.Equal(expected.Hash, found[i]!.Hash);
                Assert.Equal(expected.Kind, found[i]!.Kind);
                Assert.Equal(expected.FamilyId, found[i]!.FamilyId);
            }
            else
            {
                Assert.Null(found[i]);
            }
        }

        // The statement on the network when the table was unlocked, then full statements of the queued lookups.
        Assert.InRange(reader.Statements - before, 1, 1 + ((asked.Length + TokenReader.MaxBatch - 1) / TokenReader.MaxBatch));
    }

    [SkippableFact]
    public async Task Find_AfterAnExchangeReturned_SeesTheTokenConsumed()
    {
        Skip.If(database.Unavailable is not null, database.Unavailable);
        var token = TestTokens.New(Now, TokenKind.RefreshToken);
        await database.AddTokensAsync(token);
        var reader = database.Services.GetRequiredService<TokenReader>();
        // Lookups in flight on other tokens while the exchange commits: the next statement must be sent after it.
        var others = Enumerable.Range(0, 20).Select(_ => reader.FindAsync(SecureToken.Hash(SecureToken.Generate()), CancellationToken.None)).ToArray();

        Assert.True(await database.InScopeAsync(sp =>
            sp.GetRequiredService<ITokenStore>().ExchangeAsync(token.Hash, Now, [TestTokens.New(Now, TokenKind.AccessToken)], CancellationToken.None)));
        var found = await reader.FindAsync(token.Hash, CancellationToken.None);

        Assert.Equal(Now, found?.ConsumedAt);
        Assert.All(await Task.WhenAll(others), Assert.Null);
    }

    [SkippableFact]
    public async Task Find_CallerThatLooksUpAgainAsItResumes_GetsThatAnswerToo()
    {
        Skip.If(database.Unavailable is not null, database.Unavailable);
        var first = Enumerable.Range(0, 40).Select(_ => TestTokens.New(Now, TokenKind.AuthorizationCode)).ToArray();
        var second = Enumerable.Range(0, 40).Select(_ => TestTokens.New(Now, TokenKind.RefreshToken)).ToArray();
        await database.AddTokensAsync([.. first, .. second]);
        var reader = database.Services.GetRequiredService<TokenReader>();

        // A lookup on the network first, so the first lookups below queue meanwhile and go in one statement. Each
        // continuation runs on the thread that completes its first lookup, while the reader resumes that statement's
        // callers with nothing else queued, and looks up again at once: those lookups queue behind a sender that is
        // still busy, and must still be sent.
        var ahead = reader.FindAsync(SecureToken.Hash(SecureToken.Generate()), CancellationToken.None);
        var chains = first.Select((token, i) => reader.FindAsync(token.Hash, CancellationToken.None).ContinueWith(
            found => found.Result is null ? Task.FromResult<StoredToken?>(null) : reader.FindAsync(second[i].Hash, CancellationToken.None),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Unwrap()).ToArray();
        var found = await Task.WhenAll(chains).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Null(await ahead);
        for (var i = 0; i < found.Length; i++)
        {
            Assert.Equal(second[i].Hash, found[i]?.Hash);
        }
    }
}
