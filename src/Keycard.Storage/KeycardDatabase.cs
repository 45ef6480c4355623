using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Keycard.Storage;

/// <summary>Schema management: EF Core migrations applied on start, never EnsureCreated.</summary>
public sealed class KeycardDatabase(KeycardDbContext db, DatabaseLocation location)
{
    // Any constant every node shares; "KeycardM" in ASCII.
    private const long MigrationLockId = 0x4B65_7963_6172_644D;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (location.Provider == DatabaseProvider.Postgres)
        {
            await MigratePostgresAsync(cancellationToken);
            return;
        }

        var file = new SqliteConnectionStringBuilder(location.ConnectionString).DataSource;
        var folder = Path.GetDirectoryName(file);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        await db.Database.MigrateAsync(cancellationToken);

        // WAL lets readers run beside the one writer; the mode is stored in the file, so it is set once.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
    }

    /// <summary>
    /// Several nodes may start at once. EF Core's own migration lock on PostgreSQL is a table lock held per migration
    /// transaction, and with more than one pending migration a second node still re-applied one the first had just
    /// applied ("relation already exists"; see the storage migration contract tests). So the whole migration runs under
    /// a session advisory lock: one node migrates, the others wait and then find nothing pending.
    /// </summary>
    private async Task MigratePostgresAsync(CancellationToken cancellationToken)
    {
        // Unpooled, so that closing the connection ends the session and with it the lock, even if unlocking fails.
        var builder = new NpgsqlConnectionStringBuilder(location.ConnectionString) { Pooling = false };
        await using var lockConnection = new NpgsqlConnection(builder.ConnectionString);
        await lockConnection.OpenAsync(cancellationToken);
        await using (var acquire = new NpgsqlCommand("SELECT pg_advisory_lock(@id)", lockConnection))
        {
            acquire.Parameters.AddWithValue("id", MigrationLockId);
            await acquire.ExecuteNonQueryAsync(cancellationToken);
        }

        await db.Database.MigrateAsync(cancellationToken);

        await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@id)", lockConnection);
        release.Parameters.AddWithValue("id", MigrationLockId);
        await release.ExecuteNonQueryAsync(cancellationToken);
    }
}
