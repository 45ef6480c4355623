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
        // Two service providers are two nodes: separate pools, separate connections. EF Core 9+ takes a database
        // lock around Migrate (an advisory lock on PostgreSQL, a lock table on SQLite); without it the loser would
        // fail on "table already exists" or record a migration twice.
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
