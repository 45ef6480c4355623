using Keycard.Storage.Tests.Infrastructure;
using Npgsql;

namespace Keycard.Storage.Tests.Postgres;

/// <summary>
/// Issue 14 item 7: an answered token must survive a crash, so Keycard's PostgreSQL sessions commit synchronously even
/// on a server whose default is synchronous_commit=off (as the test cluster's is).
/// </summary>
public sealed class PostgresDurabilityTests
{
    [SkippableFact]
    public async Task WithSynchronousCommit_OnAnyServerDefault_SessionCommitsSynchronously()
    {
        Skip.If(PostgresServer.SkipReason is not null, PostgresServer.SkipReason);
        var location = DatabaseLocation.Parse(PostgresServer.RequireConnectionString()).WithSynchronousCommit();

        await using var connection = new NpgsqlConnection(location.ConnectionString);
        await connection.OpenAsync();
        await using var show = new NpgsqlCommand("SHOW synchronous_commit", connection);

        Assert.Equal("on", await show.ExecuteScalarAsync());
    }

    [Fact]
    public void WithSynchronousCommit_OptionsAlreadyChooseIt_KeepsTheOperatorsChoice()
    {
        var location = DatabaseLocation.Parse("Host=db;Database=keycard;Options=-c synchronous_commit=local").WithSynchronousCommit();

        Assert.Equal("-c synchronous_commit=local", new NpgsqlConnectionStringBuilder(location.ConnectionString).Options);
    }
}
