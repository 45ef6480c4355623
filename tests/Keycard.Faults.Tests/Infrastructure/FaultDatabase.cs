using Npgsql;

namespace Keycard.Faults.Tests.Infrastructure;

/// <summary>A fresh database per test: a SQLite file in a temp folder, or a new database on the shared PostgreSQL.</summary>
public sealed class FaultDatabase : IAsyncDisposable
{
    private readonly string? _postgresName;
    private readonly string? _adminConnection;

    private FaultDatabase(string argument, string folder, string? postgresName = null, string? adminConnection = null)
    {
        Argument = argument;
        Folder = folder;
        _postgresName = postgresName;
        _adminConnection = adminConnection;
    }

    /// <summary>What <c>--database</c> is given.</summary>
    public string Argument { get; }

    /// <summary>A temp folder of the test's own (the SQLite file lives here).</summary>
    public string Folder { get; }

    public bool IsPostgres => _postgresName is not null;

    public static FaultDatabase Sqlite(string? folder = null)
    {
        folder ??= Path.Combine(Path.GetTempPath(), "keycard-faults", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return new FaultDatabase(Path.Combine(folder, "keycard.db"), folder);
    }

    public static async Task<FaultDatabase> PostgresAsync(string? adminConnection = null)
    {
        adminConnection ??= PostgresServer.RequireConnectionString();
        var name = "keycard_faults_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(adminConnection, $"CREATE DATABASE \"{name}\"");
        var connection = new NpgsqlConnectionStringBuilder(adminConnection) { Database = name }.ConnectionString;
        var folder = Path.Combine(Path.GetTempPath(), "keycard-faults", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return new FaultDatabase(connection, folder, name, adminConnection);
    }

    public async ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(_adminConnection!, $"DROP DATABASE IF EXISTS \"{_postgresName}\" WITH (FORCE)");
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
