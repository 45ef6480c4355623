using Keycard.Core.Storage;
using Keycard.Core.Tokens;
using Keycard.Storage.Stores;
using Keycard.Storage.Tests.Infrastructure;
using Keycard.Storage.Tokens;
using Keycard.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Storage.Tests.Contracts;

/// <summary>Migrations are applied on start; several nodes starting at once on one empty database must all come up.</summary>
public abstract class MigrationContract<TDatabase>(TDatabase database) : StoreContract<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private static readonly DateTimeOffset Start = TestDatabase.Start;

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
    public async Task Migrate_DatabaseFromBeforePartialTokenIndexes_KeepsEveryTokenAndMakesTheIndexesPartial()
    {
        // A database in service at the migration before PartialTokenIndexes, with tokens of every shape in it.
        var location = await Database.CreateEmptyAsync();
        StoredToken[] tokens =
        [
            TestTokens.New(Start, clientId: "service"),
            TestTokens.New(Start, TokenKind.RefreshToken, TimeSpan.FromDays(30), clientId: "web", userId: 7),
            TestTokens.New(Start, TokenKind.AccessToken, clientId: "web", userId: 7),
            TestTokens.New(Start, clientId: "web", userId: 8) with { RevokedAt = Start.AddMinutes(1) },
            TestTokens.New(Start, clientId: "service") with { RevokedAt = Start.AddMinutes(2) },
        ];
        await using (var before = TestDatabase.BuildServices(location, Database.Time))
        {
            await using var scope = before.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KeycardDbContext>();
            var all = db.Database.GetMigrations().ToList();
            var partial = all.FindIndex(m => m.EndsWith("_PartialTokenIndexes", StringComparison.Ordinal));
            Assert.True(partial > 0);
            await db.GetService<IMigrator>().MigrateAsync(all[partial - 1]);
            Assert.DoesNotContain("IS NOT NULL", await Database.IndexDefinitionAsync(location, "IX_tokens_UserId"), StringComparison.Ordinal);
            await scope.ServiceProvider.GetRequiredService<ITokenStore>().AddAsync(tokens, CancellationToken.None);
        }

        await using var after = TestDatabase.BuildServices(location, Database.Time);
        await using (var scope = after.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<KeycardDatabase>().MigrateAsync(CancellationToken.None);
        }

        Assert.Contains("\"UserId\" IS NOT NULL", await Database.IndexDefinitionAsync(location, "IX_tokens_UserId"), StringComparison.Ordinal);
        Assert.Contains("\"RevokedAt\" IS NOT NULL", await Database.IndexDefinitionAsync(location, "IX_tokens_RevokedAt"), StringComparison.Ordinal);
        await using (var scope = after.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
            foreach (var token in tokens)
            {
                var found = await store.FindAsync(token.Hash, CancellationToken.None);
                Assert.NotNull(found);
                Assert.Equal((token.UserId, token.RevokedAt, token.FamilyId), (found.UserId, found.RevokedAt, found.FamilyId));
            }
        }

        // The rows are in the new indexes too: the revoked rows are pruned through IX_tokens_RevokedAt (nothing has
        // expired yet at the cutoff), and the user's live tokens are revoked through IX_tokens_UserId.
        await using (var scope = after.CreateAsyncScope())
        {
            Assert.Equal(2, await scope.ServiceProvider.GetRequiredService<EfTokenStore>().PruneAsync(Start.AddMinutes(30), 500, CancellationToken.None));
        }

        await using (var scope = after.CreateAsyncScope())
        {
            Assert.Equal(2, await scope.ServiceProvider.GetRequiredService<TokenAdministration>().RevokeUserTokensAsync(7, CancellationToken.None));
        }
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
