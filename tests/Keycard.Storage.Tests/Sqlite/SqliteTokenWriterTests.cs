using Keycard.Core.Tokens;
using Keycard.Storage.Tests.Infrastructure;
using Keycard.Storage.Tokens;
using Keycard.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Storage.Tests.Sqlite;

/// <summary>
/// The SQLite token writer keeps its two statements (spend, insert) from batch to batch on its long-lived connection,
/// so SQLite compiles them once per connection rather than once per batch. Reused statements must behave as new ones:
/// each batch in its own transaction, a spent code spent once, and a connection opened again gets fresh statements.
/// </summary>
public sealed class SqliteTokenWriterTests(SqliteTestDatabase database) : IClassFixture<SqliteTestDatabase>
{
    private static readonly DateTimeOffset Now = TestDatabase.Start;

    [Fact]
    public async Task ApplyBatch_SecondBatchOnTheWritersConnection_ReusesTheFirstBatchsStatements()
    {
        await using var scope = database.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<EfTokenStore>();
        store.OpenForWriting();

        store.ApplyBatch([new TokenWrite(null, default, [TestTokens.New(Now)])]);
        var first = store.KeptInsert;
        store.ApplyBatch([new TokenWrite(null, default, [TestTokens.New(Now)])]);

        Assert.NotNull(first);
        Assert.Same(first, store.KeptInsert);
    }

    [Fact]
    public async Task ApplyBatch_CodeSpentInAnEarlierBatchOnTheSameStatements_IsNotSpentAgain()
    {
        var code = TestTokens.New(Now, TokenKind.AuthorizationCode);
        await database.AddTokensAsync(code);
        await using var scope = database.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<EfTokenStore>();
        store.OpenForWriting();
        var (access, again) = (TestTokens.New(Now, familyId: code.FamilyId), TestTokens.New(Now, familyId: code.FamilyId));

        // RFC 6749 §4.1.2: a code is used once, whichever batches its exchanges fall in.
        var first = store.ApplyBatch([new TokenWrite(code.Hash, Now, [access])]);
        var second = store.ApplyBatch([new TokenWrite(code.Hash, Now.AddSeconds(1), [again])]);

        Assert.Equal([true], first);
        Assert.Equal([false], second);
        Assert.NotNull(await database.FindTokenAsync(access.Hash));
        Assert.Null(await database.FindTokenAsync(again.Hash));
        Assert.Equal(Now, (await database.FindTokenAsync(code.Hash))!.ConsumedAt);
    }

    [Fact]
    public async Task ApplyBatch_AfterItsConnectionWasClosedAndOpenedAgain_CreatesFreshStatementsAndStillWrites()
    {
        await using var scope = database.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<EfTokenStore>();
        var db = scope.ServiceProvider.GetRequiredService<KeycardDbContext>();
        store.OpenForWriting();
        store.ApplyBatch([new TokenWrite(null, default, [TestTokens.New(Now)])]);
        var before = store.KeptInsert;

        db.Database.GetDbConnection().Close();
        Assert.Null(store.KeptInsert);
        store.OpenForWriting();
        var token = TestTokens.New(Now);
        var results = store.ApplyBatch([new TokenWrite(null, default, [token])]);

        Assert.Equal([true], results);
        Assert.NotNull(await database.FindTokenAsync(token.Hash));
        Assert.NotSame(before, store.KeptInsert);
    }
}
