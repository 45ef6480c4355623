using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Keycard.Storage;

/// <summary>
/// Schema management: EF Core migrations applied on start, never EnsureCreated. Start-up must never hang for ever on a
/// lock a killed process left behind, and never wait without saying on what:
/// - nothing is locked when no migration is pending (the usual start of an up-to-date database);
/// - SQLite: a process that migrates first takes an OS file lock beside the database (<see cref="MigrationLockSuffix"/>),
///   which the kernel releases when the process dies, however it dies. EF Core's own lock row in
///   <c>__EFMigrationsLock</c> does not die with its process (a SIGKILL in the 0.1-0.4 s window left it for good, and
///   every later start waited on it silently for ever), so under the file lock any such row is stale and is deleted
///   in an exclusive transaction before EF Core migrates;
/// - PostgreSQL: a session advisory lock, which dies with its session.
/// While waiting for another process's lock, a line is logged every few seconds naming it.
/// </summary>
public sealed partial class KeycardDatabase(KeycardDbContext db, DatabaseLocation location, ILogger<KeycardDatabase> logger)
{
    /// <summary>The file beside a SQLite database whose OS lock marks the one process migrating it.</summary>
    public const string MigrationLockSuffix = "-migration-lock";

    // Any constant every node shares; "KeycardM" in ASCII.
    private const long MigrationLockId = 0x4B65_7963_6172_644D;

    private static readonly TimeSpan LockPoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan WaitReportInterval = TimeSpan.FromSeconds(5);

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

        if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
        {
            await using var fileLock = await AcquireFileLockAsync(file + MigrationLockSuffix, cancellationToken);

            // Another process may have migrated while this one waited: check again under the lock.
            if (await DeleteStaleLockRowIfPendingAsync(cancellationToken))
            {
                await db.Database.MigrateAsync(cancellationToken);
            }
        }

        // WAL lets readers run beside the one writer; the mode is stored in the file, so it is set once (and not
        // rewritten on every start, which lets a read-only or full volume still serve reads).
        var mode = await ScalarAsync("PRAGMA journal_mode;", cancellationToken);
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    /// <summary>
    /// Under the file lock no live Keycard process holds EF Core's lock row, so a row there was left by a killed one.
    /// It is deleted in an exclusive transaction (no other connection reads or writes meanwhile), after checking again
    /// that a migration is still pending. Returns whether one is.
    /// </summary>
    private async Task<bool> DeleteStaleLockRowIfPendingAsync(CancellationToken cancellationToken)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0)
        {
            return false;
        }

        await using var connection = new SqliteConnection(location.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "BEGIN EXCLUSIVE;", cancellationToken);
        var committed = false;
        try
        {
            await using var exists = connection.CreateCommand();
            exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsLock';";
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                await using var delete = connection.CreateCommand();
                delete.CommandText = "DELETE FROM \"__EFMigrationsLock\";";
                if (await delete.ExecuteNonQueryAsync(cancellationToken) > 0)
                {
                    var database = location.Describe();
                    LogStaleLockRemoved(logger, database);
                }
            }

            await ExecuteAsync(connection, "COMMIT;", cancellationToken);
            committed = true;
        }
        finally
        {
            if (!committed)
            {
                await ExecuteAsync(connection, "ROLLBACK;", CancellationToken.None);
            }
        }

        return true;
    }

    /// <summary>An exclusive OS lock on <paramref name="path"/> (flock on Unix), released by the kernel when the process dies.</summary>
    private async Task<FileStream> AcquireFileLockAsync(string path, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var reported = started;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Held by another process that is migrating now.
            }

            if (Stopwatch.GetElapsedTime(reported) >= WaitReportInterval)
            {
                reported = Stopwatch.GetTimestamp();
                LogWaitingForLock(logger, path, (int)Stopwatch.GetElapsedTime(started).TotalSeconds);
            }

            await Task.Delay(LockPoll, cancellationToken);
        }
    }

    /// <summary>
    /// Several nodes may start at once. EF Core's own migration lock on PostgreSQL is a table lock held per migration
    /// transaction, and with more than one pending migration a second node still re-applied one the first had just
    /// applied ("relation already exists"; see the storage migration contract tests). So the whole migration runs under
    /// a session advisory lock: one node migrates, the others wait and then find nothing pending. The lock dies with
    /// its session, so a killed node never leaves it behind.
    /// </summary>
    private async Task MigratePostgresAsync(CancellationToken cancellationToken)
    {
        await WarnIfCommitsAreAsynchronousAsync(cancellationToken);
        if (!(await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
        {
            return;
        }

        // Unpooled, so that closing the connection ends the session and with it the lock, even if unlocking fails.
        var builder = new NpgsqlConnectionStringBuilder(location.ConnectionString) { Pooling = false };
        await using var lockConnection = new NpgsqlConnection(builder.ConnectionString);
        await lockConnection.OpenAsync(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var reported = started;
        while (true)
        {
            await using var acquire = new NpgsqlCommand("SELECT pg_try_advisory_lock(@id)", lockConnection);
            acquire.Parameters.AddWithValue("id", MigrationLockId);
            if (await acquire.ExecuteScalarAsync(cancellationToken) is true)
            {
                break;
            }

            if (Stopwatch.GetElapsedTime(reported) >= WaitReportInterval)
            {
                reported = Stopwatch.GetTimestamp();
                var waitedOn = $"PostgreSQL advisory lock {MigrationLockId} on {location.Describe()}";
                LogWaitingForLock(logger, waitedOn, (int)Stopwatch.GetElapsedTime(started).TotalSeconds);
            }

            await Task.Delay(LockPoll, cancellationToken);
        }

        await db.Database.MigrateAsync(cancellationToken);

        await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@id)", lockConnection);
        release.Parameters.AddWithValue("id", MigrationLockId);
        await release.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Keycard answers a token only after its commit is durable; with synchronous_commit=off PostgreSQL acknowledges a
    /// commit before it reaches the disk, and a crash loses answered tokens. Keycard's sessions ask for "on"
    /// (<see cref="DatabaseLocation.WithSynchronousCommit"/>) unless Keycard:AllowAsyncCommit says otherwise; this says so loudly.
    /// </summary>
    private async Task WarnIfCommitsAreAsynchronousAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(location.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var show = new NpgsqlCommand("SHOW synchronous_commit", connection);
        if (await show.ExecuteScalarAsync(cancellationToken) is string setting &&
            setting.Equals("off", StringComparison.OrdinalIgnoreCase))
        {
            var database = location.Describe();
            LogAsynchronousCommit(logger, database);
        }
    }

    private async Task<string?> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(location.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync(cancellationToken))?.ToString();
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 5003, Level = LogLevel.Critical, Message = "synchronous_commit is off on {Database}: a crash or failover can lose tokens Keycard already answered. Remove Keycard:AllowAsyncCommit or the session's synchronous_commit override (docs/deployment.md)")]
    private static partial void LogAsynchronousCommit(ILogger logger, string database);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Removed a stale migration lock left by a process that died while migrating {Database}")]
    private static partial void LogStaleLockRemoved(ILogger logger, string database);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Waiting {Seconds} s for {Lock}: another Keycard process is migrating the database")]
    private static partial void LogWaitingForLock(ILogger logger, string @lock, int seconds);
}
