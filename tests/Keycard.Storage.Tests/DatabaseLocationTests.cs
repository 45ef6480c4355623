using Npgsql;

namespace Keycard.Storage.Tests;

public sealed class DatabaseLocationTests
{
    [Fact]
    public void Parse_PostgresUrlWithQuery_SelectsPostgresWithEveryPart()
    {
        var location = DatabaseLocation.Parse("postgres://keycard:p%40ss@db.internal:6543/auth?sslmode=require");

        Assert.Equal(DatabaseProvider.Postgres, location.Provider);
        var b = new NpgsqlConnectionStringBuilder(location.ConnectionString);
        Assert.Equal("db.internal", b.Host);
        Assert.Equal(6543, b.Port);
        Assert.Equal("auth", b.Database);
        Assert.Equal("keycard", b.Username);
        Assert.Equal("p@ss", b.Password);
        Assert.Equal(SslMode.Require, b.SslMode);
    }

    [Fact]
    public void Parse_PostgresqlUrlWithoutPort_UsesTheDefaultPort()
    {
        var location = DatabaseLocation.Parse("postgresql://keycard@db.internal/auth");

        Assert.Equal(5432, new NpgsqlConnectionStringBuilder(location.ConnectionString).Port);
    }

    [Fact]
    public void Parse_NpgsqlKeyValueString_SelectsPostgres()
    {
        var location = DatabaseLocation.Parse("Host=127.0.0.1;Port=5433;Username=keycard;Password=secret;Database=keycard");

        Assert.Equal(DatabaseProvider.Postgres, location.Provider);
        Assert.Equal(5433, new NpgsqlConnectionStringBuilder(location.ConnectionString).Port);
    }

    [Fact]
    public void Parse_PathOrNothing_SelectsSqlite()
    {
        Assert.Equal(DatabaseProvider.Sqlite, DatabaseLocation.Parse("data/keycard.db").Provider);
        Assert.Equal(DatabaseProvider.Sqlite, DatabaseLocation.Parse(null).Provider);
    }

    [Fact]
    public void Describe_PostgresWithPassword_NeverShowsThePassword()
    {
        var description = DatabaseLocation.Parse("postgres://keycard:hunter2-secret@db.internal:5432/auth").Describe();

        Assert.Equal("PostgreSQL db.internal:5432/auth", description);
        Assert.DoesNotContain("hunter2", description, StringComparison.Ordinal);
    }

    [Fact]
    public void WithTimeout_Postgres_BoundsCommandsAndConnecting()
    {
        // Issue 14 item 4: a frozen database must not hold a request for as long as it is frozen.
        var location = DatabaseLocation.Parse("Host=127.0.0.1;Port=5433;Database=keycard").WithTimeout(TimeSpan.FromSeconds(3));

        var b = new NpgsqlConnectionStringBuilder(location.ConnectionString);
        Assert.Equal(3, b.CommandTimeout);
        Assert.Equal(3, b.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(3), location.Timeout);
    }

    [Fact]
    public void WithTimeout_Sqlite_BoundsTheWaitForTheWriteLock()
    {
        var location = DatabaseLocation.Parse("data/keycard.db").WithTimeout(TimeSpan.FromMilliseconds(1500));

        Assert.Equal(2, new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(location.ConnectionString).DefaultTimeout);
    }
}
