using Keycard.Storage.Tests.Infrastructure;
using Keycard.Testing;
using Npgsql;

namespace Keycard.MultiNode.Tests.Infrastructure;

/// <summary>
/// Two <c>keycard serve</c> processes on one fresh PostgreSQL database. Both start at once on the empty database, so
/// they migrate it concurrently, as two nodes of a cluster would; users and clients are then added with the CLI.
/// Node A is given a postgres:// URL and node B an Npgsql key-value string: both forms of <c>--database</c>.
/// </summary>
public class KeycardCluster : IAsyncLifetime
{
    public const string Password = "correct horse battery staple";
    public const string ClientId = "spa";
    public const string RedirectUri = "https://app.example.com/callback";

    private string? _databaseName;

    public KeycardServe A { get; private set; } = null!;

    public KeycardServe B { get; private set; } = null!;

    /// <summary>The Npgsql connection string of the cluster's database.</summary>
    public string ConnectionString { get; private set; } = "";

    public string DatabaseUrl { get; private set; } = "";

    /// <summary>Data Protection keys in the database once both nodes answered /healthz, before any other request.</summary>
    public long KeysAfterStart { get; private set; }

    public string? Unavailable => PostgresServer.SkipReason;

    /// <summary>
    /// What both nodes are started with. No refresh-reuse grace: a replayed refresh token must revoke its family at
    /// once, whichever node sees it.
    /// </summary>
    protected virtual IReadOnlyList<string> Settings => ["--Keycard:RefreshReuseGrace=00:00:00"];

    public async Task InitializeAsync()
    {
        if (Unavailable is not null)
        {
            return;
        }

        var server = new NpgsqlConnectionStringBuilder(PostgresServer.RequireConnectionString());
        _databaseName = "keycard_multinode_" + Guid.NewGuid().ToString("N");
        await ExecuteAdminAsync($"CREATE DATABASE \"{_databaseName}\"");
        ConnectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = _databaseName }.ConnectionString;
        DatabaseUrl = $"postgres://{Uri.EscapeDataString(server.Username!)}:{Uri.EscapeDataString(server.Password ?? "")}@{server.Host}:{server.Port}/{_databaseName}";

        var settings = Settings;
        var starting = new[] { KeycardServe.StartAsync(DatabaseUrl, settings), KeycardServe.StartAsync(ConnectionString, settings) };
        try
        {
            await Task.WhenAll(starting);
        }
        catch
        {
            // The node that did start is not ours to keep: kill it before the failure is reported.
            foreach (var node in starting.Where(t => t.IsCompletedSuccessfully))
            {
                await node.Result.DisposeAsync();
            }

            throw;
        }

        (A, B) = (starting[0].Result, starting[1].Result);
        KeysAfterStart = await ScalarAsync("SELECT count(*) FROM data_protection_keys");

        await AddUserAsync("alice");
        await CliAsync(["client", "add", ClientId, "--name", "Spa", "--redirect-uri", RedirectUri]);
    }

    /// <summary>Adds a user through the CLI, the password on standard input.</summary>
    public Task AddUserAsync(string userName) =>
        CliAsync(["user", "add", userName, "--email", userName + "@example.com", "--first-name", "Test", "--last-name", "User", "--password-stdin"], Password);

    /// <summary>
    /// Runs a keycard CLI command against the cluster's database, with the nodes' key-encryption key as an operator's
    /// shell would have it, and fails the test if it fails.
    /// </summary>
    public async Task<string> CliAsync(IEnumerable<string> arguments, string? stdin = null)
    {
        var (exitCode, stdout, stderr) = await KeycardProcess.RunAsync([.. arguments, "--database", DatabaseUrl], stdin, environment: KeycardServe.CliEnvironment);
        var output = stdout + stderr;
        Assert.True(exitCode == 0, $"keycard {string.Join(' ', arguments)} exited with {exitCode}:\n{output}");
        return output;
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync()
    {
        // Nodes first, by their PIDs, then the database (FORCE ends any connection a killed node left).
        foreach (var node in new[] { A, B })
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        if (_databaseName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAdminAsync($"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)");
        }
    }

    private static async Task ExecuteAdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresServer.RequireConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
