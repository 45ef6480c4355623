using Keycard.Storage.SigningKeys;
using Keycard.Storage.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Keycard.Storage.Tests.Sqlite;

/// <summary>
/// Making a signing key must not hold SQLite's one write lock: RSA key generation takes tens of milliseconds, seconds on
/// a loaded machine, and every token write waits for that lock (at most the database deadline, then 503).
/// </summary>
public sealed class SigningKeyWriteLockTests : IAsyncLifetime
{
    private readonly SqliteTestDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Theory]
    [InlineData("ensure")]
    [InlineData("rotate")]
    [InlineData("retire")]
    public async Task KeyGeneration_AnotherWriterMeanwhile_IsNotBlocked(string change)
    {
        var probes = new List<string>();
        await _database.InScopeAsync(async services =>
        {
            var admin = NewAdministration(services, probes);
            var first = Assert.Single(await admin.EnsureAsync(CancellationToken.None)); // the first key, on an empty table
            probes.Clear();
            switch (change)
            {
                case "ensure":
                    _database.Time.Advance(new SigningKeyOptions().RotationPeriod); // the first key retires: a new one is due
                    Assert.NotEmpty(await admin.EnsureAsync(CancellationToken.None));
                    break;
                case "rotate":
                    Assert.Single(await admin.RotateAsync(now: true, null, CancellationToken.None));
                    break;
                default:
                    Assert.True(await admin.RetireAsync(first.KeyId, CancellationToken.None));
                    break;
            }
        });

        // One probe per key made, and each found the database free for another writer.
        Assert.NotEmpty(probes);
        Assert.All(probes, probe => Assert.Equal("written", probe));
    }

    [Fact]
    public async Task Ensure_NothingDue_DoesNotWaitForTheWriteLock()
    {
        var probes = new List<string>();
        await _database.InScopeAsync(async services =>
        {
            var admin = NewAdministration(services, probes);
            Assert.Single(await admin.EnsureAsync(CancellationToken.None));

            // Another writer holds the lock (a long token batch, a backup): the hourly check finds nothing to do and
            // must answer at once rather than queue behind it.
            using var writer = OpenFile(timeoutSeconds: 1);
            using var begin = writer.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE;";
            begin.ExecuteNonQuery();

            Assert.Empty(await admin.EnsureAsync(CancellationToken.None));
        });
    }

    private SigningKeyAdministration NewAdministration(IServiceProvider services, List<string> probes) =>
        new(services.GetRequiredService<KeycardDbContext>(), TestDatabase.TestKeyEncryptionKey, Options.Create(new SigningKeyOptions()), _database.Time)
        {
            GenerateKey = (algorithm, kek) =>
            {
                probes.Add(TryWrite());
                return SigningKeyMaterial.Generate(algorithm, kek);
            },
        };

    // Another connection takes the write lock (BEGIN IMMEDIATE), waiting at most one second for it.
    private string TryWrite()
    {
        using var connection = OpenFile(timeoutSeconds: 1);
        using var command = connection.CreateCommand();
        command.CommandText = "BEGIN IMMEDIATE; ROLLBACK;";
        try
        {
            command.ExecuteNonQuery();
            return "written";
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 5)
        {
            return "database is locked";
        }
    }

    private SqliteConnection OpenFile(int timeoutSeconds)
    {
        var file = new SqliteConnectionStringBuilder(_database.Location.ConnectionString).DataSource;
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false, DefaultTimeout = timeoutSeconds }.ConnectionString);
        connection.Open();
        return connection;
    }
}
