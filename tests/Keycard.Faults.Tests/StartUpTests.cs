using Keycard.Faults.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Keycard.Faults.Tests;

/// <summary>
/// Issue 14 item 1: a signal at any point of start-up must never leave Keycard unable to start again. A SIGKILL
/// during the SQLite migration used to leave EF Core's lock row in __EFMigrationsLock, and every later `serve` and
/// CLI command then waited on it silently for ever.
/// </summary>
public sealed class StartUpTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Serve_KilledAtRandomPointsOfStartUp_EveryNextStartAndCommandSucceeds()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        await using var database = FaultDatabase.Sqlite();
        var delays = new List<int>();
        for (var i = 0; i < FaultRun.StartupKills; i++)
        {
            if (i % 2 == 0)
            {
                // A fresh file: this start migrates, so the kill can land inside the migration.
                DeleteDatabaseFiles(database.Argument);
            }

            var delay = random.Next(0, 1500);
            delays.Add(delay);
            var victim = KeycardServe.Launch(database.Argument);
            await Task.Delay(delay);
            await victim.KillAsync();
            await victim.DisposeAsync();

            await using (var next = await KeycardServe.StartAsync(database.Argument, within: StartDeadline))
            {
                await next.KillAsync();
            }

            if (i % 2 == 1)
            {
                var (exitCode, text) = await KeycardCommand.RunAsync(["client", "list", "--database", database.Argument]).WaitAsync(StartDeadline);
                Assert.True(exitCode == 0, $"client list exited with {exitCode} after a kill {delay} ms into start-up:\n{text}");
            }
        }

        FaultRun.Report(output, $"start-up kills: {delays.Count} (seed {seed}), kill delays ms: {string.Join(' ', delays)}; every next start succeeded");
    }

    [Fact]
    public async Task Serve_StaleMigrationLockRowLeftByAKilledProcess_StartsAndAdminCommandsRun()
    {
        await using var database = FaultDatabase.Sqlite();
        await using (var first = await KeycardServe.StartAsync(database.Argument, within: StartDeadline))
        {
            await first.KillAsync();
        }

        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database.Argument, Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText =
                "CREATE TABLE IF NOT EXISTS \"__EFMigrationsLock\" (\"Id\" INTEGER NOT NULL CONSTRAINT \"PK___EFMigrationsLock\" PRIMARY KEY, \"Timestamp\" TEXT NOT NULL);" +
                "INSERT OR REPLACE INTO \"__EFMigrationsLock\" (\"Id\", \"Timestamp\") VALUES (1, '2026-11-27 12:00:00+00:00');";
            await command.ExecuteNonQueryAsync();
        }

        await using var serve = await KeycardServe.StartAsync(database.Argument, within: StartDeadline);
        var (exitCode, text) = await KeycardCommand.RunAsync(["client", "list", "--database", database.Argument]).WaitAsync(StartDeadline);

        Assert.True(exitCode == 0, text);
    }

    private static void DeleteDatabaseFiles(string file)
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            File.Delete(file + suffix);
        }
    }
}
