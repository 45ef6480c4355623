using Microsoft.Data.Sqlite;

namespace Keycard.Storage.Tests.Infrastructure;

/// <summary>SQLite files in a temp folder, deleted with the fixture.</summary>
public sealed class SqliteTestDatabase : TestDatabase
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "keycard-storage-tests", Guid.NewGuid().ToString("N"));

    public override Task<DatabaseLocation> CreateEmptyAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.FromResult(DatabaseLocation.Parse(Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".db")));
    }

    protected override Task DropAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }

        return Task.CompletedTask;
    }
}
