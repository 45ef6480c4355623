using System.Collections.Concurrent;
using System.Data.Common;
using Keycard.Core.Tokens;
using Keycard.Storage.Faults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Keycard.Storage.Tokens;

/// <summary>
/// Token lookups by hash, the read every API call, token refresh and code exchange makes. A few connections are kept
/// open, each with the lookup already compiled (<see cref="TokenSql"/>), and lent out one lookup at a time. On SQLite
/// this cut a lookup's CPU to a fraction of EF Core's compiled query, which builds, prepares and disposes a command on
/// a freshly opened connection every time (docs/benchmarks.md). Reads run outside any transaction, so each sees the
/// latest committed row, whichever node wrote it.
/// On PostgreSQL a lookup awaits a network round trip, so many run at once under load. The reader then has its own
/// Npgsql pool in multiplexing mode: a kept connection is a handle, not a session, and concurrent lookups share a few
/// sessions, their commands written together and their results read together; Npgsql auto-prepares the lookup. Before
/// (four sessions kept, more leased from Npgsql's ordinary pool), 58% of the refresh benchmark's lookups leased one
/// and paid Npgsql's session reset, seven more statements on a PostgreSQL sharing Keycard's core (issue 14 item 8).
/// </summary>
internal sealed class TokenReader(IServiceScopeFactory scopes, DatabaseHealth? health = null) : IDisposable
{
    /// <summary>Connections kept open between lookups; more are opened under load and closed again when returned.</summary>
    public const int MaxIdle = 4;

    /// <summary>
    /// On PostgreSQL: lookups wait on the network, not on a lock, so as many run at once as requests do. A kept
    /// multiplexing connection holds no session, so keeping many costs only memory.
    /// </summary>
    public const int MaxIdlePostgres = 32;

    private readonly ConcurrentBag<Lease> _idle = [];
    private readonly Lock _setup = new();
    private (TokenSql Sql, DbProviderFactory Factory, string ConnectionString, int MaxIdle)? _provider;
    private bool _disposed;

    public async Task<StoredToken?> FindAsync(byte[] hash, CancellationToken cancellationToken)
    {
        var lease = _idle.TryTake(out var idle) ? idle : await OpenAsync(cancellationToken);
        StoredToken? token;
        try
        {
            token = await TokenSql.FindAsync(lease.Find, hash, cancellationToken);
        }
        catch
        {
            // A connection that failed (or was cancelled mid-read) is not trusted again.
            lease.Dispose();
            throw;
        }

        health?.ReportSuccess();
        if (_idle.Count < lease.MaxIdle && !_disposed)
        {
            _idle.Add(lease);
        }
        else
        {
            lease.Dispose();
        }

        return token;
    }

    private async Task<Lease> OpenAsync(CancellationToken cancellationToken)
    {
        var (sql, factory, connectionString, maxIdle) = Provider();
        var connection = factory.CreateConnection()!;
        try
        {
            connection.ConnectionString = connectionString;
            await connection.OpenAsync(cancellationToken);
            var find = sql.CreateFind(connection);
            if (connection is not NpgsqlConnection)
            {
                // Npgsql prepares the lookup itself (auto-prepare), and multiplexing takes no explicit preparation.
                await find.PrepareAsync(cancellationToken);
            }

            return new Lease(connection, find, maxIdle);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The provider, connection string and SQL, learnt once from a context as the rest of Keycard makes them.</summary>
    private (TokenSql, DbProviderFactory, string, int) Provider()
    {
        lock (_setup)
        {
            if (_provider is null)
            {
                using var scope = scopes.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<KeycardDbContext>();
                var connection = db.Database.GetDbConnection();
                var connectionString = db.Database.GetConnectionString()!;
                var maxIdle = MaxIdle;
                if (connection is NpgsqlConnection)
                {
                    // Multiplexing: concurrent lookups share sessions (the lookup changes no session state, so
                    // there is nothing to reset), and explicit preparation is not supported there: auto-prepare.
                    connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Multiplexing = true, MaxAutoPrepare = 4, NoResetOnClose = true }.ConnectionString;
                    maxIdle = MaxIdlePostgres;
                }

                _provider = (TokenSql.For(db), DbProviderFactories.GetFactory(connection)!, connectionString, maxIdle);
            }

            return _provider.Value;
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var lease))
        {
            lease.Dispose();
        }
    }

    private sealed record Lease(DbConnection Connection, DbCommand Find, int MaxIdle) : IDisposable
    {
        public void Dispose()
        {
            Find.Dispose();
            Connection.Dispose();
        }
    }
}
