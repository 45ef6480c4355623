using Keycard.Core.Security;
using Keycard.Core.Tokens;
using Keycard.Storage.Tests.Infrastructure;
using Keycard.Storage.Tokens;
using Keycard.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Storage.Tests.Postgres;

/// <summary>
/// Issue 14 item 8: on PostgreSQL the token writer applies a whole batch as one statement over arrays (a batch of
/// plain inserts, or a data-modifying statement that spends every exchange's code or refresh token and inserts the
/// successors of those that won). The batch must still behave as its writes applied one after another, each with its
/// own result, as a whole or not at all. These tests hand <see cref="EfTokenStore.ApplyBatch"/> exact batches.
/// </summary>
public sealed class PostgresTokenWriterTests(PostgresTestDatabase database) : IClassFixture<PostgresTestDatabase>
{
    private static readonly DateTimeOffset Now = TestDatabase.Start;

    [SkippableFact]
    public async Task ApplyBatch_SameHashExchangedTwice_OnlyTheFirstSpendsItAndOnlyItsSuccessorsAreStored()
    {
        Skip.If(database.Unavailable is not null, database.Unavailable);
        var refresh = TestTokens.New(Now, TokenKind.RefreshToken);
        await database.AddTokensAsync(refresh);
        var first = TestTokens.New(Now, TokenKind.RefreshToken, familyId: refresh.FamilyId);
        var second = TestTokens.New(Now, TokenKind.RefreshToken, familyId: refresh.FamilyId);
        var third = TestTokens.New(Now, TokenKind.RefreshToken, familyId: refresh.FamilyId);

        // RFC 6749 §10.4 / RFC 9700 §4.14.2: a refresh token is spent once, however the exchanges share a batch.
        var results = await ApplyAsync(
            new TokenWrite(refresh.Hash, Now.AddSeconds(1), [first]),
            new TokenWrite(refresh.Hash, Now.AddSeconds(2), [second]),
            new TokenWrite(refresh.Hash, Now.AddSeconds(3), [third]));

        Assert.Equal([true, false, false], results);
        Assert.Equal(Now.AddSeconds(1), (await database.FindTokenAsync(refresh.Hash))!.ConsumedAt);
        Assert.NotNull(await database.FindTokenAsync(first.Hash));
        Assert.Null(await database.FindTokenAsync(second.Hash));
        Assert.Null(await database.FindTokenAsync(third.Hash));
    }

    [SkippableFact]
    public async Task ApplyBatch_InsertsAndExchangesMixed_EachWriteGetsItsOwnResult()
    {
        Skip.If(database.Unavailable is not null, database.Unavailable);
        var live = TestTokens.New(Now, TokenKind.AuthorizationCode);
        var spent = TestTokens.New(Now, TokenKind.RefreshToken) with { ConsumedAt = Now.AddMinutes(-1) };
        var revoked = TestTokens.New(Now, TokenKind.RefreshToken) with { RevokedAt = Now.AddMinutes(-1) };
        var liveWithoutSuccessors = TestTokens.New(Now, TokenKind.RefreshToken);
        await database.AddTokensAsync(live, spent, revoked, liveWithoutSuccessors);
        var plain = TestTokens.New(Now, TokenKind.AccessToken);
        var (access, nextRefresh) = (TestTokens.New(Now, TokenKind.AccessToken, familyId: live.FamilyId), TestTokens.New(Now, TokenKind.RefreshToken, familyId: live.FamilyId));
        var fromSpent = TestTokens.New(Now, TokenKind.AccessToken, familyId: spent.FamilyId);
        var fromRevoked = TestTokens.New(Now, TokenKind.AccessToken, familyId: revoked.FamilyId);
        var fromUnknown = TestTokens.New(Now, TokenKind.AccessToken);
        var plainAfter = TestTokens.New(Now, TokenKind.AccessToken);

        var results = await ApplyAsync(
            new TokenWrite(null, default, [plain]),
            new TokenWrite(live.Hash, Now, [access, nextRefresh]),
            new TokenWrite(spent.Hash, Now, [fromSpent]),
            new TokenWrite(revoked.Hash, Now, [fromRevoked]),
            new TokenWrite(SecureToken.Hash(SecureToken.Generate()), Now, [fromUnknown]),
            new TokenWrite(null, default, []),
            new TokenWrite(liveWithoutSuccessors.Hash, Now.AddSeconds(5), []),
            new TokenWrite(null, default, [plainAfter]));

        Assert.Equal([true, true, false, false, false, true, true, true], results);
        foreach (var stored in new[] { plain, access, nextRefresh, plainAfter })
        {
            Assert.NotNull(await database.FindTokenAsync(stored.Hash));
        }

        foreach (var refused in new[] { fromSpent, fromRevoked, fromUnknown })
        {
            Assert.Null(await database.FindTokenAsync(refused.Hash));
        }

        Assert.Equal(Now, (await database.FindTokenAsync(live.Hash))!.ConsumedAt);
        Assert.Equal(Now.AddMinutes(-1), (await database.FindTokenAsync(spent.Hash))!.ConsumedAt);
        Assert.Null((await database.FindTokenAsync(revoked.Hash))!.ConsumedAt);
        Assert.Equal(Now.AddSeconds(5), (await database.FindTokenAsync(liveWithoutSuccessors.Hash))!.ConsumedAt);
    }

    [SkippableFact]
    public async Task ApplyBatch_ExchangeOfATokenIssuedEarlierInTheBatch_SeesThatInsert()
    {
        Skip.If(database.Unavailable is not null, database.Unavailable);
        // One statement cannot see its own inserts; applied in order, the exchange after the insert spends the token.
        var code = TestTokens.New(Now, TokenKind.AuthorizationCode);
        var refresh = TestTokens.New(Now, TokenKind.RefreshToken, familyId: code.FamilyId);
        var next = TestTokens.New(Now, TokenKind.RefreshToken, familyId: code.FamilyId);
        var other = TestTokens.New(Now, TokenKind.AccessToken);

        var results = await ApplyAsync(
            new TokenWrite(null, default, [code]),
            new TokenWrite(code.Hash, Now, [refresh]),
            new TokenWrite(refresh.Hash, Now.AddSeconds(1), [next]),
            new TokenWrite(null, default, [other]),
            new TokenWrite(code.Hash, Now.AddSeconds(2), [TestTokens.New(Now, TokenKind.AccessToken)]));

        Assert.Equal([true, true, true, true, false], results);
        Assert.Equal(Now, (await database.FindTokenAsync(code.Hash))!.ConsumedAt);
        Assert.Equal(Now.AddSeconds(1), (await database.FindTokenAsync(refresh.Hash))!.ConsumedAt);
        Assert.NotNull(await database.FindTokenAsync(next.Hash));
        Assert.NotNull(await database.FindTokenAsync(other.Hash));
    }

    [SkippableFact]
    public async Task ApplyBatch_OneWriteFails_NothingOfTheBatchIsStored()
    {
        Skip.If(database.Unavailable is not null, database.Unavailable);
        var stored = TestTokens.New(Now, TokenKind.RefreshToken);
        var code = TestTokens.New(Now, TokenKind.AuthorizationCode);
        await database.AddTokensAsync(stored, code);
        var neighbour = TestTokens.New(Now, TokenKind.AccessToken);
        var successor = TestTokens.New(Now, TokenKind.AccessToken, familyId: code.FamilyId);

        // A second row with a stored hash: the primary key refuses it, and the whole statement with it.
        await Assert.ThrowsAnyAsync<Exception>(() => ApplyAsync(
            new TokenWrite(null, default, [neighbour]),
            new TokenWrite(code.Hash, Now, [successor]),
            new TokenWrite(null, default, [TestTokens.New(Now, TokenKind.AccessToken) with { Hash = stored.Hash }])));

        Assert.Null(await database.FindTokenAsync(neighbour.Hash));
        Assert.Null(await database.FindTokenAsync(successor.Hash));
        Assert.Null((await database.FindTokenAsync(code.Hash))!.ConsumedAt);
    }

    [SkippableFact]
    public async Task Exchange_SuccessorClashesWithAStoredToken_FailsAloneAndLeavesItsCodeUnspent()
    {
        Skip.If(database.Unavailable is not null, database.Unavailable);
        // Through the writer: whichever batch the failing exchange shares, it is retried alone and fails alone.
        var stored = TestTokens.New(Now, TokenKind.RefreshToken);
        var code = TestTokens.New(Now, TokenKind.AuthorizationCode);
        var codes = Enumerable.Range(0, 30).Select(_ => TestTokens.New(Now, TokenKind.AuthorizationCode)).ToArray();
        await database.AddTokensAsync([stored, code, .. codes]);
        var writer = database.Services.GetRequiredService<TokenWriteBatcher>();

        var failing = writer.ExchangeAsync(code.Hash, Now, [TestTokens.New(Now, TokenKind.AccessToken, familyId: code.FamilyId) with { Hash = stored.Hash }]);
        var neighbours = codes.Select(c => writer.ExchangeAsync(c.Hash, Now, [TestTokens.New(Now, TokenKind.AccessToken, familyId: c.FamilyId)])).ToArray();

        await Assert.ThrowsAnyAsync<Exception>(() => failing);
        Assert.All(await Task.WhenAll(neighbours), Assert.True);
        Assert.Null((await database.FindTokenAsync(code.Hash))!.ConsumedAt);
        Assert.True(await writer.ExchangeAsync(code.Hash, Now, [TestTokens.New(Now, TokenKind.AccessToken, familyId: code.FamilyId)]));
    }

    [SkippableFact]
    public async Task ApplyBatch_EveryNullableColumnNullOrSet_RoundTripsThroughBothStatements()
    {
        Skip.If(database.Unavailable is not null, database.Unavailable);
        var code = TestTokens.New(Now, TokenKind.AuthorizationCode);
        await database.AddTokensAsync(code);
        var full = (Inserted: Full(), Exchanged: Full(code.FamilyId));
        var bare = (Inserted: TestTokens.New(Now, TokenKind.AccessToken), Exchanged: TestTokens.New(Now, TokenKind.AccessToken, familyId: code.FamilyId));

        var inserted = await ApplyAsync(new TokenWrite(null, default, [full.Inserted, bare.Inserted]));
        var exchanged = await ApplyAsync(new TokenWrite(code.Hash, Now, [full.Exchanged, bare.Exchanged]));

        Assert.Equal([true], inserted);
        Assert.Equal([true], exchanged);

        foreach (var expected in new[] { full.Inserted, full.Exchanged, bare.Inserted, bare.Exchanged })
        {
            var found = await database.FindTokenAsync(expected.Hash);
            Assert.Equal(expected, found! with { Hash = expected.Hash });
            Assert.Equal(expected.Hash, found.Hash);
        }
    }

    private static StoredToken Full(string? familyId = null) => TestTokens.New(Now, TokenKind.AuthorizationCode, familyId: familyId) with
    {
        UserId = 7,
        Scope = "openid email",
        ScopeOpen = true,
        RedirectUri = "https://app.example.com/cb",
        CodeChallenge = new string('x', 43),
        ConsumedAt = Now.AddSeconds(-2),
        RevokedAt = Now.AddSeconds(-1),
        Nonce = "nonce-1",
        AuthTime = Now.AddMinutes(-5),
        Resource = "https://api.example.com/",
        SessionId = "session-1",
    };

    private Task<bool[]> ApplyAsync(params TokenWrite[] writes) =>
        database.InScopeAsync(sp => Task.FromResult(sp.GetRequiredService<EfTokenStore>().ApplyBatch(writes)));
}
