using System.Collections.Concurrent;
using System.Data.Common;
using Keycard.Core.Tokens;
using Keycard.Storage.Faults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Storage.Tokens;

/// <summary>
/// Token lookups by hash, the read every API call, token refresh and code exchange makes. A few connections are kept
/// open, each with the lookup already compiled (<see cref="TokenSql"/>), and lent out one lookup at a time. On SQLite
/// this cut a lookup's CPU to a fraction of EF Core's compiled query, which builds, prepares and disposes a command on
/// a freshly opened connection every time (docs/benchmarks.md). Reads run outside any transaction, so each sees the
/// latest committed row, whichever node wrote it.
/// </summary>
internal sealed class TokenReader(IServiceScopeFactory scopes, DatabaseHealth? health = null) : IDisposable
{
    /// <summary>Connections kept open between lookups; more are opened under load and closed again when returned.</summary>
    public const int MaxIdle = 4;

    private readonly ConcurrentBag<Lease> _idle = [];
    private readonly Lock _setup = new();
    private (TokenSql Sql, DbProviderFactory Factory, string ConnectionString)? _provider;
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
        if (_idle.Count < MaxIdle && !_disposed)
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
        var (sql, factory, connectionString) = Provider();
        var connection = factory.CreateConnection()!;
        try
        {
            connection.ConnectionString = connectionString;
            await connection.OpenAsync(cancellationToken);
            var find = sql.CreateFind(connection);
            await find.PrepareAsync(cancellationToken);
            return new Lease(connection, find);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The provider, connection string and SQL, learnt once from a context as the rest of Keycard makes them.</summary>
    private (TokenSql, DbProviderFactory, string) Provider()
    {
        lock (_setup)
        {
            if (_provider is null)
            {
                using var scope = scopes.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<KeycardDbContext>();
                var connection = db.Database.GetDbConnection();
                _provider = (TokenSql.For(db), DbProviderFactories.GetFactory(connection)!, db.Database.GetConnectionString()!);
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

    private sealed record Lease(DbConnection Connection, DbCommand Find) : IDisposable
    {
        public void Dispose()
        {
            Find.Dispose();
            Connection.Dispose();
        }
    }
}
