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

    public override string ExplainPrefix => "EXPLAIN QUERY PLAN ";

    public override async Task<string?> IndexDefinitionAsync(DatabaseLocation location, string index)
    {
        await using var connection = new SqliteConnection(location.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $name";
        command.Parameters.AddWithValue("$name", index);
        return await command.ExecuteScalarAsync() as string;
    }

    /// <summary>Keycard never runs ANALYZE on SQLite, so a table in service has no statistics: nothing to do.</summary>
    public override Task AnalyzeAsync(DatabaseLocation location, string table) => Task.CompletedTask;

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
