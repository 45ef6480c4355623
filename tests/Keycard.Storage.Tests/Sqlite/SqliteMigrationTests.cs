using Keycard.Storage.Tests.Contracts;
using Keycard.Storage.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Storage.Tests.Sqlite;

public sealed class SqliteMigrationTests(SqliteTestDatabase database) : MigrationContract<SqliteTestDatabase>(database)
{
    // Long enough for a slow start on a loaded machine; without the stale-lock recovery a start never finishes.
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Migrate_StaleLockRowOnAnUpToDateDatabase_SucceedsWithoutWaiting()
    {
        // A process killed while it held EF Core's migration lock row leaves the row behind (issue 14 item 1).
        var location = await Database.CreateEmptyAsync();
        await MigrateAsync(location);
        await InsertStaleLockRowAsync(location);

        await MigrateAsync(location).WaitAsync(StartDeadline);

        Assert.Equal(1, await LockRowsAsync(location));
    }

    [Fact]
    public async Task Migrate_StaleLockRowWithAMigrationPending_RemovesTheRowAndMigrates()
    {
        var location = await Database.CreateEmptyAsync();
        await using (var services = TestDatabase.BuildServices(location, Database.Time))
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KeycardDbContext>();
            var all = db.Database.GetMigrations().ToList();
            await db.GetService<IMigrator>().MigrateAsync(all[^2]);
        }

        await InsertStaleLockRowAsync(location);

        await MigrateAsync(location).WaitAsync(StartDeadline);

        await using var check = TestDatabase.BuildServices(location, Database.Time);
        await using var checkScope = check.CreateAsyncScope();
        Assert.Empty(await checkScope.ServiceProvider.GetRequiredService<KeycardDbContext>().Database.GetPendingMigrationsAsync());
        Assert.Equal(0, await LockRowsAsync(location));
    }

    private async Task MigrateAsync(DatabaseLocation location)
    {
        await using var services = TestDatabase.BuildServices(location, Database.Time);
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<KeycardDatabase>().MigrateAsync(CancellationToken.None);
    }

    private static async Task InsertStaleLockRowAsync(DatabaseLocation location)
    {
        await using var connection = new SqliteConnection(location.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText =
            "CREATE TABLE IF NOT EXISTS \"__EFMigrationsLock\" (\"Id\" INTEGER NOT NULL CONSTRAINT \"PK___EFMigrationsLock\" PRIMARY KEY, \"Timestamp\" TEXT NOT NULL);" +
            "INSERT INTO \"__EFMigrationsLock\" (\"Id\", \"Timestamp\") VALUES (1, '2026-11-27 12:00:00+00:00');";
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> LockRowsAsync(DatabaseLocation location)
    {
        await using var connection = new SqliteConnection(location.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM \"__EFMigrationsLock\"";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
