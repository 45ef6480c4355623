using System.CommandLine;
using Keycard.Storage;
using Microsoft.Data.Sqlite;

namespace Keycard.Server.Cli;

/// <summary>
/// <c>keycard backup --to FILE</c> and <c>keycard restore --from FILE</c> for the embedded SQLite database
/// (docs/deployment.md covers PostgreSQL, pg_dump, and the key-encryption key a backup needs beside it).
/// </summary>
internal static class BackupCommands
{
    public static void AddTo(RootCommand root)
    {
        root.Subcommands.Add(Backup());
        root.Subcommands.Add(Restore());
    }

    private static Command Backup()
    {
        var to = new Option<FileInfo>("--to") { Description = "The backup file to write (must not exist).", Required = true };
        var command = new Command("backup", "Copy the SQLite database to a file while the server runs: one consistent snapshot, writers keep going.") { to };
        command.SetAction(parse =>
        {
            if (SqliteFile(parse.GetValue(KeycardCli.Database)) is not { } source)
            {
                return ClientCommands.Fail("backup copies the embedded SQLite database; for PostgreSQL use pg_dump (docs/deployment.md)");
            }

            var target = parse.GetValue(to)!;
            if (!File.Exists(source))
            {
                return ClientCommands.Fail($"there is no database at {source}");
            }

            if (target.Exists)
            {
                return ClientCommands.Fail($"{target.FullName} exists; choose a new file");
            }

            // The online backup API copies every page inside one read transaction: in WAL mode the server's writers
            // carry on, and the copy is the database as of that transaction's start. Written beside the target and
            // renamed, so a half-written file never carries the backup's name.
            var partial = target.FullName + ".partial";
            File.Delete(partial);
            using (var from = Open(source, SqliteOpenMode.ReadOnly))
            using (var copy = Open(partial, SqliteOpenMode.ReadWriteCreate))
            {
                from.BackupDatabase(copy);
            }

            if (CheckIntegrity(partial) is { } problem)
            {
                File.Delete(partial);
                return ClientCommands.Fail($"the copy failed its integrity check: {problem}");
            }

            File.Move(partial, target.FullName);
            target.Refresh();
            Console.WriteLine($"Backed up {source} to {target.FullName} ({target.Length / 1024} KiB). Keep the key-encryption key with it (docs/deployment.md).");
            return 0;
        });
        return command;
    }

    private static Command Restore()
    {
        var from = new Option<FileInfo>("--from") { Description = "The backup file to restore.", Required = true };
        var command = new Command("restore", "Replace the SQLite database with a backup. Stop the server first: restore refuses while it runs.") { from };
        command.SetAction(parse =>
        {
            if (SqliteFile(parse.GetValue(KeycardCli.Database)) is not { } target)
            {
                return ClientCommands.Fail("restore writes the embedded SQLite database; for PostgreSQL use pg_restore (docs/deployment.md)");
            }

            var backup = parse.GetValue(from)!;
            if (!backup.Exists)
            {
                return ClientCommands.Fail($"there is no backup at {backup.FullName}");
            }

            if (CheckIntegrity(backup.FullName) is { } problem)
            {
                return ClientCommands.Fail($"{backup.FullName} is not a sound Keycard database ({problem}); nothing was changed");
            }

            if (IsInUse(target))
            {
                return ClientCommands.Fail($"{target} is in use: stop the server (every node on this file) before restoring");
            }

            using (var source = Open(backup.FullName, SqliteOpenMode.ReadOnly))
            using (var destination = Open(target, SqliteOpenMode.ReadWriteCreate))
            {
                source.BackupDatabase(destination);
            }

            Console.WriteLine($"Restored {target} from {backup.FullName}. Start the server with the key-encryption key of that backup.");
            return 0;
        });
        return command;
    }

    private static string? SqliteFile(string? database)
    {
        var location = DatabaseLocation.FromSetting(database);
        return location.Provider == DatabaseProvider.Sqlite ? new SqliteConnectionStringBuilder(location.ConnectionString).DataSource : null;
    }

    private static SqliteConnection Open(string file, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = mode, Pooling = false, DefaultTimeout = 30 }.ConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>Null when SQLite finds the file sound and it carries Keycard's schema; otherwise what is wrong.</summary>
    private static string? CheckIntegrity(string file)
    {
        try
        {
            using var connection = Open(file, SqliteOpenMode.ReadOnly);
            using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            var result = check.ExecuteScalar() as string;
            if (result != "ok")
            {
                return result ?? "no answer";
            }

            check.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('tokens', '__EFMigrationsHistory')";
            return Convert.ToInt64(check.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 2 ? null : "not a Keycard database";
        }
        catch (SqliteException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>
    /// Whether another process has the database open: every SQLite connection in WAL mode holds a shared lock on the
    /// shared-memory file's "dead man switch" byte (offset 128) while it is open, so an exclusive lock on it fails.
    /// </summary>
    private static bool IsInUse(string file)
    {
        // macOS has no byte-range locks in .NET: there the operator's word that the server is stopped has to do.
        var shm = file + "-shm";
        if (!File.Exists(shm) || OperatingSystem.IsMacOS())
        {
            return false;
        }

        try
        {
            using var stream = new FileStream(shm, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            stream.Lock(128, 1);
            stream.Unlock(128, 1);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }
}
