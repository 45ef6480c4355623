using Microsoft.Data.Sqlite;
using Npgsql;

namespace Keycard.Storage;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Where the database is, from the <c>--database</c> option: a SQLite file path (the default, <c>keycard.db</c>),
/// a <c>postgres://user:pass@host:port/db</c> URL, or an Npgsql key-value string (<c>Host=…;Database=…</c>).
/// </summary>
public sealed record DatabaseLocation(DatabaseProvider Provider, string ConnectionString)
{
    public const string DefaultSqliteFile = "keycard.db";

    /// <summary>How long one database operation may take before it is abandoned and the request answered 503.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The deadline of every database operation (<c>Keycard:DatabaseTimeout</c>): the command timeout (on SQLite also
    /// the wait for the write lock), the connect timeout on PostgreSQL, and the token writer's bound on a caller's wait.
    /// </summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>The environment variable read when no <c>--database</c> or <c>Keycard:Database</c> was given.</summary>
    public const string EnvironmentVariable = "KEYCARD_DATABASE";

    /// <summary>Parses the configured value, falling back to <see cref="EnvironmentVariable"/>, then the default file.</summary>
    public static DatabaseLocation FromSetting(string? configured) =>
        Parse(configured ?? Environment.GetEnvironmentVariable(EnvironmentVariable));

    public static DatabaseLocation Parse(string? value)
    {
        value = string.IsNullOrWhiteSpace(value) ? DefaultSqliteFile : value.Trim();
        if (value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
            value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new DatabaseLocation(DatabaseProvider.Postgres, FromPostgresUrl(value));
        }

        if (value.Contains("Host=", StringComparison.OrdinalIgnoreCase) || value.Contains("Server=", StringComparison.OrdinalIgnoreCase))
        {
            return new DatabaseLocation(DatabaseProvider.Postgres, new NpgsqlConnectionStringBuilder(value).ConnectionString);
        }

        var path = value.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) ? value["sqlite:".Length..] : value;
        var sqlite = new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(path),
            Pooling = true,
            DefaultTimeout = Seconds(DefaultTimeout),
        };
        return new DatabaseLocation(DatabaseProvider.Sqlite, sqlite.ConnectionString);
    }

    /// <summary>
    /// This location with every operation bounded by <paramref name="timeout"/> (whole seconds, at least one). On
    /// PostgreSQL a timed-out command breaks its connection at once (CancellationTimeout -1) instead of waiting for a
    /// frozen server to acknowledge the cancellation.
    /// </summary>
    public DatabaseLocation WithTimeout(TimeSpan timeout)
    {
        var seconds = Seconds(timeout);
        var connectionString = Provider == DatabaseProvider.Sqlite
            ? new SqliteConnectionStringBuilder(ConnectionString) { DefaultTimeout = seconds }.ConnectionString
            : new NpgsqlConnectionStringBuilder(ConnectionString) { CommandTimeout = seconds, Timeout = seconds, CancellationTimeout = -1 }.ConnectionString;
        return this with { ConnectionString = connectionString, Timeout = TimeSpan.FromSeconds(seconds) };
    }

    private static int Seconds(TimeSpan timeout) => (int)Math.Clamp(Math.Ceiling(timeout.TotalSeconds), 1, int.MaxValue);

    /// <summary>
    /// On PostgreSQL, every Keycard session commits synchronously (<c>-c synchronous_commit=on</c> at connection start),
    /// whatever the server's default: with <c>off</c> an answered token can be lost in a crash (issue 14 item 7 lost 27
    /// in two outages). SQLite always commits with synchronous=FULL. Keycard:AllowAsyncCommit skips this.
    /// </summary>
    public DatabaseLocation WithSynchronousCommit()
    {
        if (Provider != DatabaseProvider.Postgres)
        {
            return this;
        }

        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        if (builder.Options?.Contains("synchronous_commit", StringComparison.OrdinalIgnoreCase) == true)
        {
            return this;
        }

        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? "-c synchronous_commit=on" : builder.Options + " -c synchronous_commit=on";
        return this with { ConnectionString = builder.ConnectionString };
    }

    /// <summary>A description safe to print or log: never the password.</summary>
    public string Describe() => Provider switch
    {
        DatabaseProvider.Sqlite => "SQLite " + new SqliteConnectionStringBuilder(ConnectionString).DataSource,
        _ => DescribePostgres(),
    };

    private string DescribePostgres()
    {
        var b = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"PostgreSQL {b.Host}:{b.Port}/{b.Database}";
    }

    private static string FromPostgresUrl(string url)
    {
        var uri = new Uri(url);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            if (kv.Length == 2)
            {
                builder[Uri.UnescapeDataString(kv[0])] = Uri.UnescapeDataString(kv[1]);
            }
        }

        return builder.ConnectionString;
    }
}
