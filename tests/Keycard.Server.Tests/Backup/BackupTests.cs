using System.Collections.Concurrent;
using System.Net;
using Keycard.Core;
using Keycard.Core.Security;
using Keycard.Core.Storage;
using Keycard.Server.Tests.Cli;
using Keycard.Server.Tests.Infrastructure;
using Keycard.Storage;

namespace Keycard.Server.Tests.Backup;

/// <summary><c>keycard backup</c> while the server takes writes, and <c>keycard restore</c>.</summary>
public sealed class BackupTests
{
    [Fact]
    public async Task Backup_UnderWriteLoad_CopyHoldsEveryTokenAnsweredBeforeItStarted()
    {
        using var factory = await new KeycardFactory().SeedAsync();
        var copy = Path.Combine(Path.GetDirectoryName(factory.DatabasePath)!, "backup.db");
        var answered = new ConcurrentQueue<(string Token, long At)>();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var api = new IOfficeClient(factory.CreateClient());
            while (!stop.IsCancellationRequested)
            {
                using var response = await api.ExchangeAsync(null, KeycardFactory.ConfidentialClientId, secret: factory.ConfidentialSecret,
                    extra: new Dictionary<string, string> { ["x-grant-type"] = "client_credentials" });
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                answered.Enqueue(((await TokenSet.ReadAsync(response)).AccessToken, TimeProvider.System.GetTimestamp()));
            }
        })).ToList();
        while (answered.Count < 50)
        {
            await Task.Delay(20);
        }

        var started = TimeProvider.System.GetTimestamp();
        var (code, output, err) = await KeycardProcess.RunAsync(null, "backup", "--to", copy, "--database", factory.DatabasePath);
        var afterBackup = answered.Count;
        while (answered.Count < afterBackup + 20)
        {
            await Task.Delay(20);
        }

        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.True(code == 0, output + err);
        var before = answered.Where(a => a.At < started).Select(a => a.Token).ToList();
        Assert.True(before.Count >= 50);
        await using var services = new ServiceCollection().AddLogging().AddKeycardCore().AddKeycardStorage(DatabaseLocation.Parse(copy)).BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<ITokenStore>();
        foreach (var token in before)
        {
            var stored = await tokens.FindAsync(SecureToken.StorageKey(token), CancellationToken.None);
            Assert.True(stored is { RevokedAt: null }, "a token answered before the backup started is missing from the copy");
        }
    }

    [Fact]
    public async Task Restore_WhileServerRuns_RefusesAndLeavesDatabase()
    {
        using var factory = await new KeycardFactory().SeedAsync();

        // A server that has answered a token request holds its token writer's own connection open, which no other
        // test's SqliteConnection.ClearAllPools (process-wide) can close; idle pooled connections alone could be.
        await new IOfficeClient(factory.CreateClient()).SignInAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var copy = Path.Combine(Path.GetDirectoryName(factory.DatabasePath)!, "backup.db");
        var (backupCode, _, backupErr) = await KeycardProcess.RunAsync(null, "backup", "--to", copy, "--database", factory.DatabasePath);
        Assert.True(backupCode == 0, backupErr);

        var (code, _, err) = await KeycardProcess.RunAsync(null, "restore", "--from", copy, "--database", factory.DatabasePath);

        Assert.Equal(1, code);
        Assert.Contains("is in use: stop the server", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_ServerStopped_ReplacesDatabaseWithBackup()
    {
        var folder = Path.Combine(Path.GetTempPath(), "keycard-backup-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var db = Path.Combine(folder, "live.db");
        var copy = Path.Combine(folder, "backup.db");
        try
        {
            Assert.Equal(0, (await KeycardProcess.RunAsync(null, "client", "add", "before", "--redirect-uri", "https://a.example.com/cb", "--database", db)).ExitCode);
            Assert.Equal(0, (await KeycardProcess.RunAsync(null, "backup", "--to", copy, "--database", db)).ExitCode);
            Assert.Equal(0, (await KeycardProcess.RunAsync(null, "client", "add", "after", "--redirect-uri", "https://a.example.com/cb", "--database", db)).ExitCode);

            var (code, _, err) = await KeycardProcess.RunAsync(null, "restore", "--from", copy, "--database", db);
            var (_, list, _) = await KeycardProcess.RunAsync(null, "client", "list", "--database", db);

            Assert.True(code == 0, err);
            Assert.Contains("before", list, StringComparison.Ordinal);
            Assert.DoesNotContain("after", list, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Restore_FileNotADatabase_RefusesBeforeTouchingAnything()
    {
        var folder = Path.Combine(Path.GetTempPath(), "keycard-backup-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var junk = Path.Combine(folder, "junk.db");
        await File.WriteAllTextAsync(junk, "this is not a database, only some text long enough to look like a header");
        try
        {
            var (code, _, err) = await KeycardProcess.RunAsync(null, "restore", "--from", junk, "--database", Path.Combine(folder, "live.db"));

            Assert.Equal(1, code);
            Assert.Contains("is not a sound Keycard database", err, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(folder, "live.db")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
