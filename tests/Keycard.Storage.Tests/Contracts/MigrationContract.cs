using Keycard.Core.Storage;
using Keycard.Storage.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Storage.Tests.Contracts;

/// <summary>Migrations are applied on start; several nodes starting at once on one empty database must all come up.</summary>
public abstract class MigrationContract<TDatabase>(TDatabase database) : StoreContract<TDatabase>(database)
    where TDatabase : TestDatabase
{
    [SkippableFact]
    public async Task Migrate_TwoNodesAtOnceOnAnEmptyDatabase_BothSucceedAndEachMigrationIsAppliedOnce()
    {
        // Two service providers are two nodes: separate pools, separate connections. Without a lock around the whole
        // migration the loser fails on "relation already exists" or records a migration twice (EF Core's own
        // per-transaction lock was not enough on PostgreSQL once there were two migrations; KeycardDatabase adds a
        // session advisory lock there, and EF Core's lock table serves SQLite).
        var location = await Database.CreateEmptyAsync();
        await using var nodeA = TestDatabase.BuildServices(location, Database.Time);
        await using var nodeB = TestDatabase.BuildServices(location, Database.Time);
        using var go = new ManualResetEventSlim();
        var starts = new[] { nodeA, nodeB }.Select(node => Task.Run(async () =>
        {
            go.Wait();
            await using var scope = node.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<KeycardDatabase>().MigrateAsync(CancellationToken.None);
        })).ToList();

        go.Set();
        await Task.WhenAll(starts);

        await using var check = nodeA.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<KeycardDbContext>();
        var applied = (await db.Database.GetAppliedMigrationsAsync()).ToList();
        Assert.Equal(db.Database.GetMigrations(), applied);
        Assert.Equal(applied.Count, applied.Distinct().Count());
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Empty(await check.ServiceProvider.GetRequiredService<IClientStore>().ListAsync(CancellationToken.None));
    }

    [SkippableFact]
    public async Task Migrate_AlreadyMigratedDatabase_IsANoOpThatKeepsTheData()
    {
        var location = await Database.CreateEmptyAsync();
        await using (var first = TestDatabase.BuildServices(location, Database.Time))
        {
            await using var scope = first.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<KeycardDatabase>().MigrateAsync(CancellationToken.None);
            await scope.ServiceProvider.GetRequiredService<IAttemptThrottle>().RecordFailureAsync("user:KEPT", CancellationToken.None);
        }

        await using var restarted = TestDatabase.BuildServices(location, Database.Time);
        await using var again = restarted.CreateAsyncScope();
        await again.ServiceProvider.GetRequiredService<KeycardDatabase>().MigrateAsync(CancellationToken.None);

        var status = await again.ServiceProvider.GetRequiredService<IAttemptThrottle>().GetStatusAsync("user:KEPT", CancellationToken.None);
        Assert.Equal(1, status.Failures);
    }
}
