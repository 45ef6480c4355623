using Keycard.Core.Diagnostics;
using Keycard.Core.Security;
using Keycard.Core.Storage;
using Keycard.Core.Tokens;
using Keycard.Storage.Caching;
using Keycard.Storage.Tests.Infrastructure;
using Keycard.Storage.Tokens;
using Keycard.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Storage.Tests.Sqlite;

/// <summary>
/// The access-token cache's hit path (issue 17: every gateway call and API call pays it): one memory lookup, no
/// DbContext; and what it must still refuse at once: a token or a family revoked through this node or announced by
/// another node (RevocationBroadcast) while the token sits in the cache.
/// </summary>
public sealed class CachingTokenStoreTests : IAsyncLifetime
{
    // A fresh database (and so a fresh cache) per test.
    private readonly SqliteTestDatabase _database = new();

    private IServiceProvider Services => _database.Services;

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task Find_CachedAccessToken_LeasesNoDbContext()
    {
        var token = NewToken();
        await _database.AddTokensAsync(token);
        Assert.NotNull(await _database.FindTokenAsync(token.Hash)); // cached

        // A store whose scope cannot hand out the EF Core store (and so no pooled DbContext): a hit must not ask.
        var store = new CachingTokenStore(
            Services.GetRequiredService<TokenReader>(),
            Services.GetRequiredService<TokenWriteBatcher>(),
            new RefusingServices(),
            Services.GetRequiredService<StoreCache>());
        var found = await store.FindAsync(token.Hash, CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal(token.Hash, found.Hash);
    }

    [Fact]
    public async Task Find_MissThenHit_CountsBothUnderTheStoredTokenEntryLabel()
    {
        var token = NewToken();
        await _database.AddTokensAsync(token);
        var counts = Services.GetRequiredService<KeycardTelemetry>().CacheLookups(nameof(StoredToken));

        await _database.FindTokenAsync(token.Hash);
        await _database.FindTokenAsync(token.Hash);

        // docs/operations.md: keycard.cache.hits/misses{entry="StoredToken"}, whatever the cache wraps the token in.
        Assert.Equal(1, counts.Misses);
        Assert.Equal(1, counts.Hits);
    }

    [Fact]
    public async Task Find_TokenRevocationAnnouncedAfterItWasCached_IsReadFromTheDatabaseAgain()
    {
        var token = NewToken();
        await _database.AddTokensAsync(token);
        Assert.NotNull(await _database.FindTokenAsync(token.Hash));

        // Another node revokes it and notifies (RevocationBroadcast): the row is revoked, the notification arrives.
        await RevokeInDatabaseAsync(t => t.Hash == token.Hash);
        RevocationBroadcast.Apply(Services.GetRequiredService<StoreCache>(), RevocationBroadcast.TokenPayload(token.Hash));

        var found = await _database.FindTokenAsync(token.Hash);

        Assert.NotNull(found);
        Assert.NotNull(found.RevokedAt);
    }

    [Fact]
    public async Task Find_FamilyRevocationAnnouncedAfterTheTokenWasCached_IsReadFromTheDatabaseAgain()
    {
        var token = NewToken();
        var other = NewToken();
        await _database.AddTokensAsync(token);
        await _database.AddTokensAsync(other);
        Assert.NotNull(await _database.FindTokenAsync(token.Hash));
        Assert.NotNull(await _database.FindTokenAsync(other.Hash));

        await RevokeInDatabaseAsync(t => t.FamilyId == token.FamilyId);
        RevocationBroadcast.Apply(Services.GetRequiredService<StoreCache>(), RevocationBroadcast.FamilyPayload(token.FamilyId));

        var revoked = await _database.FindTokenAsync(token.Hash);
        var untouched = await _database.FindTokenAsync(other.Hash);

        Assert.NotNull(revoked);
        Assert.NotNull(revoked.RevokedAt);
        Assert.NotNull(untouched);
        Assert.Null(untouched.RevokedAt);
    }

    [Fact]
    public async Task Find_FamilyRevokedThroughThisNodeAfterTheTokenWasCached_IsRefusedAtOnce()
    {
        var token = NewToken();
        await _database.AddTokensAsync(token);
        Assert.NotNull(await _database.FindTokenAsync(token.Hash));

        await _database.InScopeAsync(s => s.GetRequiredService<ITokenStore>().RevokeFamilyAsync(token.FamilyId, TestDatabase.Start, CancellationToken.None));
        var found = await _database.FindTokenAsync(token.Hash);

        Assert.NotNull(found);
        Assert.NotNull(found.RevokedAt);
    }

    // Keyed as the server keys the tokens it issues (SecureToken.StorageKey: the issue time, then the hash).
    private static StoredToken NewToken() =>
        TestTokens.New(TestDatabase.Start, hash: SecureToken.StorageKey(SecureToken.GenerateOrdered(TestDatabase.Start)));

    private Task RevokeInDatabaseAsync(System.Linq.Expressions.Expression<Func<TokenEntity, bool>> which) =>
        _database.InScopeAsync(s => s.GetRequiredService<KeycardDbContext>().Tokens.Where(which)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.RevokedAt, TestDatabase.Start.ToUnixTimeMilliseconds())));
}
