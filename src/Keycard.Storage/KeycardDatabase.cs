using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Keycard.Storage;

/// <summary>Schema management: EF Core migrations applied on start, never EnsureCreated.</summary>
public sealed class KeycardDatabase(KeycardDbContext db, DatabaseLocation location)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (location.Provider == DatabaseProvider.Sqlite)
        {
            var file = new SqliteConnectionStringBuilder(location.ConnectionString).DataSource;
            var folder = Path.GetDirectoryName(file);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }

        await db.Database.MigrateAsync(cancellationToken);

        if (location.Provider == DatabaseProvider.Sqlite)
        {
            // WAL lets readers run beside the one writer; the mode is stored in the file, so it is set once.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }
}
