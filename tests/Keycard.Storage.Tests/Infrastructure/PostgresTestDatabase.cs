using Npgsql;

namespace Keycard.Storage.Tests.Infrastructure;

/// <summary>A fresh database per fixture on the server in <c>KEYCARD_TEST_POSTGRES</c>, dropped with the fixture.</summary>
public sealed class PostgresTestDatabase : TestDatabase
{
    private readonly List<string> _created = [];

    public override string? Unavailable => PostgresServer.SkipReason;

    public override async Task<DatabaseLocation> CreateEmptyAsync()
    {
        var name = "keycard_test_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync($"CREATE DATABASE \"{name}\"");
        _created.Add(name);
        var builder = new NpgsqlConnectionStringBuilder(PostgresServer.RequireConnectionString()) { Database = name };
        return DatabaseLocation.Parse(builder.ConnectionString);
    }

    public override string ExplainPrefix => "EXPLAIN ";

    public override async Task<string?> IndexDefinitionAsync(DatabaseLocation location, string index)
    {
        await using var connection = new NpgsqlConnection(location.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT indexdef FROM pg_indexes WHERE indexname = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = index });
        return await command.ExecuteScalarAsync() as string;
    }

    /// <summary>Autovacuum analyses a table in service once enough of it changed; the test does it at once.</summary>
    public override async Task AnalyzeAsync(DatabaseLocation location, string table)
    {
        await using var connection = new NpgsqlConnection(location.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"ANALYZE \"{table}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    protected override async Task DropAsync()
    {
        // Pooled connections would otherwise keep the databases open; FORCE ends any a test left behind.
        NpgsqlConnection.ClearAllPools();
        foreach (var name in _created)
        {
            await ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresServer.RequireConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
