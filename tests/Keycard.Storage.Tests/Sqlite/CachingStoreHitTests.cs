using Keycard.Core.Clients;
using Keycard.Core.Storage;
using Keycard.Storage.Caching;
using Keycard.Storage.Tests.Infrastructure;
using Keycard.Storage.Users;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Storage.Tests.Sqlite;

/// <summary>
/// Every token request reads its client and asks whether the client is locked, and every users/me call reads its user:
/// answered from the cache, none may lease a pooled DbContext (the EF Core store is resolved only on a miss or a write).
/// </summary>
public sealed class CachingStoreHitTests : IAsyncLifetime
{
    // A fresh database (and so a fresh cache) per test.
    private readonly SqliteTestDatabase _database = new();

    private IServiceProvider Services => _database.Services;

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task FindClient_Cached_LeasesNoDbContext()
    {
        var client = new Client
        {
            ClientId = "cached-client",
            Name = "Cached",
            AppCode = "cached-code",
            RedirectUris = ["https://app.example.com/callback"],
            CreatedAt = TestDatabase.Start,
            UpdatedAt = TestDatabase.Start,
        };
        await using (var scope = Services.CreateAsyncScope())
        {
            var clients = scope.ServiceProvider.GetRequiredService<IClientStore>();
            Assert.True(await clients.AddAsync(client, CancellationToken.None));
            Assert.NotNull(await clients.FindAsync(client.ClientId, CancellationToken.None)); // cached
        }

        var store = new CachingClientStore(new RefusingServices(), Services.GetRequiredService<StoreCache>());
        var found = await store.FindAsync(client.ClientId, CancellationToken.None);

        Assert.Equal(client.ClientId, found?.ClientId);
        // A miss still reaches the database through the scope's EF Core store.
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.FindAsync("unknown-client", CancellationToken.None));
    }

    [Fact]
    public async Task GetStatus_CleanAnswerCached_LeasesNoDbContext()
    {
        await using (var scope = Services.CreateAsyncScope())
        {
            Assert.Equal(AttemptStatus.Clean, await scope.ServiceProvider.GetRequiredService<IAttemptThrottle>().GetStatusAsync("client:x", CancellationToken.None));
        }

        var throttle = new CachingAttemptThrottle(new RefusingServices(), Services.GetRequiredService<StoreCache>());

        Assert.Equal(AttemptStatus.Clean, await throttle.GetStatusAsync("client:x", CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => throttle.GetStatusAsync("client:y", CancellationToken.None));
    }

    [Fact]
    public async Task FindUser_Cached_LeasesNoDbContext()
    {
        var userId = await _database.InScopeAsync(async services =>
        {
            var db = services.GetRequiredService<KeycardDbContext>();
            var user = new KeycardUser { UserName = "cached-user", NormalizedUserName = "CACHED-USER", Email = "cached@example.com", FirstName = "Cached" };
            db.Users.Add(user);
            await db.SaveChangesAsync();
            Assert.Equal("cached-user", (await services.GetRequiredService<IUserDirectory>().FindAsync(user.Id, CancellationToken.None))?.UserName); // cached
            return user.Id;
        });

        var directory = new CachingUserDirectory(new RefusingServices(), Services.GetRequiredService<StoreCache>());
        var found = await directory.FindAsync(userId, CancellationToken.None);

        Assert.Equal("cached-user", found?.UserName);
        Assert.Equal("Cached", found?.FirstName);
        // A miss still reaches the database through the scope's Identity store.
        await Assert.ThrowsAsync<InvalidOperationException>(() => directory.FindAsync(userId + 1000, CancellationToken.None));
    }
}
