using Keycard.Core.Security;
using Keycard.Core.Storage;
using Keycard.Core.Tokens;
using Keycard.Storage.Tests.Infrastructure;
using Keycard.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Storage.Tests.Contracts;

/// <summary>What every <see cref="ITokenStore"/> must do, whatever the database.</summary>
public abstract class TokenStoreContract<TDatabase>(TDatabase database) : StoreContract<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private static readonly DateTimeOffset Now = TestDatabase.Start;

    [SkippableFact]
    public async Task Find_AfterAdd_ReturnsEveryFieldAsStored()
    {
        var code = TestTokens.New(Now, TokenKind.AuthorizationCode, TimeSpan.FromMinutes(5)) with
        {
            UserId = 42,
            Scope = "email profile",
            RedirectUri = "https://app.example.com/callback",
            CodeChallenge = new string('c', 43),
            ScopeOpen = true,
            Nonce = "n-0S6_WzA2Mj",
            AuthTime = Now.AddMinutes(-3),
            Resource = "https://api.example.com/",
            SessionId = "s1d",
        };
        await Database.AddTokensAsync(code);

        var found = await Database.FindTokenAsync(code.Hash);

        Assert.NotNull(found);
        Assert.Equal(code.Hash, found.Hash);
        Assert.Equal(TokenKind.AuthorizationCode, found.Kind);
        Assert.Equal(code.ClientId, found.ClientId);
        Assert.Equal(42, found.UserId);
        Assert.Equal("email profile", found.Scope);
        Assert.Equal(code.FamilyId, found.FamilyId);
        Assert.Equal(code.RedirectUri, found.RedirectUri);
        Assert.Equal(code.CodeChallenge, found.CodeChallenge);
        Assert.True(found.ScopeOpen);
        Assert.Equal("n-0S6_WzA2Mj", found.Nonce);
        Assert.Equal(Now.AddMinutes(-3), found.AuthTime);
        Assert.Equal("https://api.example.com/", found.Resource);
        Assert.Equal("s1d", found.SessionId);
        Assert.Equal(code.CreatedAt, found.CreatedAt);
        Assert.Equal(code.ExpiresAt, found.ExpiresAt);
        Assert.Null(found.ConsumedAt);
        Assert.Null(found.RevokedAt);
    }

    [SkippableFact]
    public async Task Find_ClientCredentialsTokenWithoutUser_KeepsNullUserAndOptionalFields()
    {
        var token = TestTokens.New(Now, TokenKind.AccessToken, TimeSpan.FromHours(1));
        await Database.AddTokensAsync(token);

        var found = await Database.FindTokenAsync(token.Hash);

        Assert.NotNull(found);
        Assert.Null(found.UserId);
        Assert.Null(found.RedirectUri);
        Assert.Null(found.CodeChallenge);
        Assert.False(found.ScopeOpen);
    }

    [SkippableFact]
    public async Task Find_UnknownHash_ReturnsNull()
    {
        Assert.Null(await Database.FindTokenAsync(SecureToken.Hash(SecureToken.Generate())));
    }

    [SkippableFact]
    public async Task Exchange_LiveCode_ConsumesItAndStoresTheSuccessors()
    {
        var code = TestTokens.New(Now, TokenKind.AuthorizationCode, TimeSpan.FromMinutes(5));
        await Database.AddTokensAsync(code);
        var access = TestTokens.New(Now, TokenKind.AccessToken, TimeSpan.FromHours(1), familyId: code.FamilyId);
        var refresh = TestTokens.New(Now, TokenKind.RefreshToken, TimeSpan.FromDays(30), familyId: code.FamilyId);

        var won = await Database.InScopeAsync(sp =>
            sp.GetRequiredService<ITokenStore>().ExchangeAsync(code.Hash, Now.AddSeconds(1), [access, refresh], CancellationToken.None));

        Assert.True(won);
        Assert.Equal(Now.AddSeconds(1), (await Database.FindTokenAsync(code.Hash))!.ConsumedAt);
        Assert.NotNull(await Database.FindTokenAsync(access.Hash));
        Assert.NotNull(await Database.FindTokenAsync(refresh.Hash));
    }

    [SkippableFact]
    public async Task Exchange_CodeAlreadyConsumed_ReturnsFalseAndStoresNothing()
    {
        var code = TestTokens.New(Now, TokenKind.AuthorizationCode, TimeSpan.FromMinutes(5));
        await Database.AddTokensAsync(code);
        await ExchangeAsync(code.Hash, TestTokens.New(Now, TokenKind.AccessToken, TimeSpan.FromHours(1), familyId: code.FamilyId));
        var second = TestTokens.New(Now, TokenKind.AccessToken, TimeSpan.FromHours(1), familyId: code.FamilyId);

        var won = await ExchangeAsync(code.Hash, second);

        Assert.False(won);
        Assert.Null(await Database.FindTokenAsync(second.Hash));
    }

    [SkippableFact]
    public async Task Exchange_RevokedRefreshToken_ReturnsFalse()
    {
        var refresh = TestTokens.New(Now, TokenKind.RefreshToken, TimeSpan.FromDays(30));
        await Database.AddTokensAsync(refresh);
        await RevokeAsync(refresh.Hash);
        var successor = TestTokens.New(Now, TokenKind.AccessToken, TimeSpan.FromHours(1), familyId: refresh.FamilyId);

        Assert.False(await ExchangeAsync(refresh.Hash, successor));
        Assert.Null(await Database.FindTokenAsync(successor.Hash));
    }

    [SkippableFact]
    public async Task Exchange_UnknownHash_ReturnsFalse()
    {
        Assert.False(await ExchangeAsync(SecureToken.Hash(SecureToken.Generate()), TestTokens.New(Now, TokenKind.AccessToken, TimeSpan.FromHours(1))));
    }

    [SkippableFact]
    public async Task Exchange_ParallelCallersOnOneCode_ExactlyOneWins()
    {
        // RFC 6749 §4.1.2: a code is single use. Each caller has its own DbContext and connection, like requests on
        // different nodes, and they are released together to make the race as tight as the test can.
        bool[] results;
        const int callers = 8;
        var code = TestTokens.New(Now, TokenKind.AuthorizationCode, TimeSpan.FromMinutes(5));
        await Database.AddTokensAsync(code);
        var successors = Enumerable.Range(0, callers)
            .Select(_ => TestTokens.New(Now, TokenKind.AccessToken, TimeSpan.FromHours(1), familyId: code.FamilyId))
            .ToList();
        var scopes = Enumerable.Range(0, callers).Select(_ => Database.Services.CreateAsyncScope()).ToList();
        try
        {
            var stores = scopes.ConvertAll(scope => scope.ServiceProvider.GetRequiredService<ITokenStore>());
            using var go = new ManualResetEventSlim();
            var racers = stores.Select((store, i) => Task.Run(() =>
            {
                go.Wait();
                return store.ExchangeAsync(code.Hash, Now, [successors[i]], CancellationToken.None);
            })).ToList();
            go.Set();
            results = await Task.WhenAll(racers);
        }
        finally
        {
            foreach (var scope in scopes)
            {
                await scope.DisposeAsync();
            }
        }

        Assert.Equal(1, results.Count(won => won));
        var stored = 0;
        foreach (var successor in successors)
        {
            stored += await Database.FindTokenAsync(successor.Hash) is null ? 0 : 1;
        }

        Assert.Equal(1, stored);
    }

    [SkippableFact]
    public async Task Add_OneFailingWriteAmongManyConcurrent_FailsAloneAndTheWriterCarriesOn()
    {
        // Concurrent writes share one transaction (group commit). A write that fails (here a second row with a hash
        // already stored: the primary key refuses it) must fail only its own caller, never its neighbours, and must
        // not change the row that was there.
        var original = TestTokens.New(Now, TokenKind.RefreshToken, TimeSpan.FromDays(1));
        await Database.AddTokensAsync(original);
        var others = Enumerable.Range(0, 40).Select(_ => TestTokens.New(Now, TokenKind.AccessToken, TimeSpan.FromHours(1))).ToList();
        var clash = TestTokens.New(Now, TokenKind.AccessToken, TimeSpan.FromMinutes(1)) with { Hash = original.Hash, ClientId = "intruder" };

        using var go = new ManualResetEventSlim();
        var writes = others.Select(token => Task.Run(async () =>
        {
            go.Wait();
            await Database.AddTokensAsync(token);
        })).ToList();
        var failing = Task.Run(async () =>
        {
            go.Wait();
            await Database.AddTokensAsync(clash);
        });
        go.Set();

        await Task.WhenAll(writes);
        await Assert.ThrowsAnyAsync<Exception>(() => failing);
        foreach (var token in others)
        {
            Assert.NotNull(await Database.FindTokenAsync(token.Hash));
        }

        var kept = await Database.FindTokenAsync(original.Hash);
        Assert.Equal(("app", TokenKind.RefreshToken, original.ExpiresAt), (kept!.ClientId, kept.Kind, kept.ExpiresAt));

        var after = TestTokens.New(Now, TokenKind.AccessToken, TimeSpan.FromHours(1));
        await Database.AddTokensAsync(after);
        Assert.NotNull(await Database.FindTokenAsync(after.Hash));
    }

    [SkippableFact]
    public async Task Revoke_LiveToken_MarksItOnceAndReportsTheSecondAsAlreadyRevoked()
    {
        var token = TestTokens.New(Now, TokenKind.AccessToken, TimeSpan.FromHours(1));
        await Database.AddTokensAsync(token);

        var first = await RevokeAsync(token.Hash);
        var second = await RevokeAsync(token.Hash);

        Assert.True(first);
        Assert.False(second);
        Assert.Equal(Now, (await Database.FindTokenAsync(token.Hash))!.RevokedAt);
    }

    [SkippableFact]
    public async Task Revoke_UnknownHash_ReturnsFalse()
    {
        Assert.False(await RevokeAsync(SecureToken.Hash(SecureToken.Generate())));
    }

    [SkippableFact]
    public async Task RevokeFamily_MixedFamily_RevokesOnlyItsLiveMembersAndCountsThem()
    {
        var code = TestTokens.New(Now, TokenKind.AuthorizationCode, TimeSpan.FromMinutes(5));
        var access = TestTokens.New(Now, TokenKind.AccessToken, TimeSpan.FromHours(1), familyId: code.FamilyId);
        var refresh = TestTokens.New(Now, TokenKind.RefreshToken, TimeSpan.FromDays(30), familyId: code.FamilyId);
        var alreadyRevoked = TestTokens.New(Now, TokenKind.AccessToken, TimeSpan.FromHours(1), familyId: code.FamilyId) with { RevokedAt = Now.AddMinutes(-1) };
        var stranger = TestTokens.New(Now, TokenKind.AccessToken, TimeSpan.FromHours(1));
        await Database.AddTokensAsync(code, access, refresh, alreadyRevoked, stranger);

        var count = await Database.InScopeAsync(sp =>
            sp.GetRequiredService<ITokenStore>().RevokeFamilyAsync(code.FamilyId, Now, CancellationToken.None));

        Assert.Equal(3, count);
        Assert.Equal(Now, (await Database.FindTokenAsync(access.Hash))!.RevokedAt);
        Assert.Equal(Now, (await Database.FindTokenAsync(refresh.Hash))!.RevokedAt);
        Assert.Equal(Now.AddMinutes(-1), (await Database.FindTokenAsync(alreadyRevoked.Hash))!.RevokedAt);
        Assert.Null((await Database.FindTokenAsync(stranger.Hash))!.RevokedAt);
    }

    [SkippableFact]
    public async Task Prune_ExpiredAndRevokedBeforeCutoff_DeletesThemAndKeepsTheRest()
    {
        var epoch = new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var cutoff = epoch.AddDays(1);
        await DrainAsync(cutoff);
        var expired = TestTokens.New(epoch, TokenKind.AccessToken, TimeSpan.FromHours(1));
        var revoked = TestTokens.New(epoch, TokenKind.RefreshToken, TimeSpan.FromDays(30)) with { RevokedAt = epoch.AddHours(2) };
        var live = TestTokens.New(epoch, TokenKind.RefreshToken, TimeSpan.FromDays(30));
        var expiredAfterCutoff = TestTokens.New(epoch, TokenKind.AccessToken, TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var revokedAfterCutoff = TestTokens.New(epoch, TokenKind.AccessToken, TimeSpan.FromDays(30)) with { RevokedAt = cutoff.AddMinutes(1) };
        await Database.AddTokensAsync(expired, revoked, live, expiredAfterCutoff, revokedAfterCutoff);

        var removed = await PruneAsync(cutoff, 100);

        Assert.Equal(2, removed);
        Assert.Null(await Database.FindTokenAsync(expired.Hash));
        Assert.Null(await Database.FindTokenAsync(revoked.Hash));
        Assert.NotNull(await Database.FindTokenAsync(live.Hash));
        Assert.NotNull(await Database.FindTokenAsync(expiredAfterCutoff.Hash));
        Assert.NotNull(await Database.FindTokenAsync(revokedAfterCutoff.Hash));
    }

    [SkippableFact]
    public async Task Prune_MoreRowsThanOneBatch_DeletesAtMostBatchSizeEachCallUntilNoneAreLeft()
    {
        var epoch = new DateTimeOffset(2011, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var cutoff = epoch.AddDays(1);
        await DrainAsync(cutoff);
        var tokens = Enumerable.Range(0, 1_200).Select(_ => TestTokens.New(epoch, TokenKind.AccessToken, TimeSpan.FromHours(1))).ToArray();
        await Database.AddTokensAsync(tokens);

        var batches = new List<int>();
        int removed;
        do
        {
            removed = await PruneAsync(cutoff, 500);
            batches.Add(removed);
        }
        while (removed > 0);

        Assert.Equal([500, 500, 200, 0], batches);
        Assert.Null(await Database.FindTokenAsync(tokens[0].Hash));
        Assert.Null(await Database.FindTokenAsync(tokens[^1].Hash));
    }

    [SkippableFact]
    public async Task Prune_NothingExpired_ReturnsZero()
    {
        Assert.Equal(0, await PruneAsync(new DateTimeOffset(1990, 1, 1, 0, 0, 0, TimeSpan.Zero), 500));
    }

    /// <summary>
    /// Pruning tests use dates long before <see cref="TestDatabase.Start"/>, so the only rows older than their cutoff
    /// are what another pruning test in this class left behind; clearing those first keeps the counts exact.
    /// </summary>
    private async Task DrainAsync(DateTimeOffset cutoff)
    {
        while (await PruneAsync(cutoff, 10_000) > 0)
        {
        }
    }

    private Task<bool> ExchangeAsync(byte[] hash, StoredToken successor) =>
        Database.InScopeAsync(sp => sp.GetRequiredService<ITokenStore>().ExchangeAsync(hash, Now, [successor], CancellationToken.None));

    private Task<bool> RevokeAsync(byte[] hash) =>
        Database.InScopeAsync(sp => sp.GetRequiredService<ITokenStore>().RevokeAsync(hash, Now, CancellationToken.None));

    private Task<int> PruneAsync(DateTimeOffset cutoff, int batchSize) =>
        Database.InScopeAsync(sp => sp.GetRequiredService<ITokenStore>().PruneAsync(cutoff, batchSize, CancellationToken.None));
}
