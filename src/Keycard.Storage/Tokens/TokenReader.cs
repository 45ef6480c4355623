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
/// On PostgreSQL a lookup awaits a network round trip, so many are waiting at once under load. There the lookups are
/// batched: one statement at a time (<c>WHERE "Hash" = ANY($1)</c>) carries every lookup queued while the previous one
/// was on the network, and its callers are resumed together (issue 14 item 8: one command, round trip and completion
/// per statement instead of per lookup). The statement goes out on one connection the reader keeps open, prepared
/// once, so it pays neither a session reset nor a parse.
/// </summary>
internal sealed class TokenReader(IServiceScopeFactory scopes, DatabaseHealth? health = null) : IDisposable
{
    /// <summary>Connections kept open between lookups; more are opened under load and closed again when returned.</summary>
    public const int MaxIdle = 4;

    private readonly ConcurrentBag<Lease> _idle = [];
    private readonly Lock _setup = new();
    private (TokenSql Sql, DbProviderFactory Factory, string ConnectionString, int MaxIdle, bool Batched)? _provider;
    private bool _disposed;

    /// <summary>PostgreSQL: most lookups one statement carries (a larger queue goes in the next ones).</summary>
    public const int MaxBatch = 64;

    /// <summary>PostgreSQL: lookups waiting for the next statement, whether one is being sent (0 or 1), and how many were.</summary>
    private readonly ConcurrentQueue<PendingLookup> _pending = new();
    private int _sending;
    private long _statements;

    /// <summary>Whether lookups are batched (PostgreSQL), once the provider is known; read without the lock.</summary>
    private int _mode;
    private const int Unknown = 0;
    private const int Direct = 1;
    private const int Batched = 2;

    public Task<StoredToken?> FindAsync(byte[] hash, CancellationToken cancellationToken)
    {
        var mode = Volatile.Read(ref _mode);
        return mode == Batched || (mode == Unknown && Provider().Batched)
            ? FindBatchedAsync(hash, cancellationToken)
            : FindDirectAsync(hash, cancellationToken);
    }

    private async Task<StoredToken?> FindDirectAsync(byte[] hash, CancellationToken cancellationToken)
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
        Return(lease);
        return token;
    }

    /// <summary>
    /// PostgreSQL: a lookup joins the queue; if no statement is being sent, this caller sends one for everything
    /// queued (<c>WHERE "Hash" = ANY($1)</c>), and keeps sending while more arrive. Under load a round trip carries the
    /// lookups that arrived during the previous one, so Keycard pays one command, one network write and read and one
    /// completion per statement instead of per lookup; alone, a lookup is sent at once as before. Each statement runs
    /// outside any transaction, after every lookup it carries was queued, so each sees the latest committed row.
    /// </summary>
    private Task<StoredToken?> FindBatchedAsync(byte[] hash, CancellationToken cancellationToken)
    {
        var lookup = new PendingLookup(hash);
        _pending.Enqueue(lookup);
        if (Interlocked.CompareExchange(ref _sending, 1, 0) == 0)
        {
            _ = SendAsync();
        }

        return cancellationToken.CanBeCanceled ? lookup.Task.WaitAsync(cancellationToken) : lookup.Task;
    }

    /// <summary>PostgreSQL: lookup statements sent so far (each carries one or more lookups).</summary>
    internal long Statements => Interlocked.Read(ref _statements);

    private async Task SendAsync()
    {
        Answered? answered = null;
        while (true)
        {
            var batch = new List<PendingLookup>(MaxBatch);
            while (batch.Count < MaxBatch && _pending.TryDequeue(out var next))
            {
                batch.Add(next);
            }

            if (batch.Count == 0)
            {
                if (answered is not null)
                {
                    // The callers resume here; those that look up again queue for the next statement, which this
                    // loop sends.
                    answered.Resume();
                    answered = null;
                    continue;
                }

                Volatile.Write(ref _sending, 0);
                // A lookup queued after the last dequeue but before the flag was cleared found it set: send it now.
                if (_pending.IsEmpty || Interlocked.CompareExchange(ref _sending, 1, 0) != 0)
                {
                    return;
                }

                continue;
            }

            // The next statement goes out first (its request is written before the first await that waits for the
            // database), then the previous statement's callers resume on this thread while it is on the network:
            // no thread-pool hand-off per statement.
            var statement = SendBatchAsync(batch);
            answered?.Resume();
            answered = await statement;
        }
    }

    /// <summary>Sends one statement for <paramref name="batch"/>; its answer, or null when it failed (its lookups failed with it).</summary>
    private async Task<Answered?> SendBatchAsync(List<PendingLookup> batch)
    {
        Lease? lease = null;
        var found = new List<StoredToken>(batch.Count);
        try
        {
            lease = _idle.TryTake(out var idle) ? idle : await OpenAsync(CancellationToken.None);
            var hashes = new byte[batch.Count][];
            for (var i = 0; i < batch.Count; i++)
            {
                hashes[i] = batch[i].Hash;
            }

            var find = lease.Find;
            find.Parameters[0].Value = hashes;
            Interlocked.Increment(ref _statements);
            await using (var reader = await find.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    found.Add(TokenSql.Read(reader));
                }
            }
        }
        catch (Exception ex)
        {
            // A connection that failed is not trusted again; every lookup it carried fails alike. After a deadline
            // passed, so does every lookup that queued meanwhile: each would otherwise wait out this statement's
            // deadline and then its own (issue 14 item 4: no request waits past the deadline for a lookup).
            lease?.Dispose();
            foreach (var lookup in batch)
            {
                lookup.TrySetException(ex);
            }

            while (DatabaseFault.FindUnavailable(ex) is TimeoutException or NpgsqlException { InnerException: TimeoutException }
                && _pending.TryDequeue(out var queued))
            {
                queued.TrySetException(ex);
            }

            return null;
        }

        health?.ReportSuccess();
        Return(lease);
        return new Answered(batch, found);
    }

    private void Return(Lease lease)
    {
        if (_idle.Count < lease.MaxIdle && !_disposed)
        {
            _idle.Add(lease);
        }
        else
        {
            lease.Dispose();
        }
    }

    private async Task<Lease> OpenAsync(CancellationToken cancellationToken)
    {
        var (sql, factory, connectionString, maxIdle, batched) = Provider();
        var connection = factory.CreateConnection()!;
        try
        {
            connection.ConnectionString = connectionString;
            await connection.OpenAsync(cancellationToken);
            var find = batched ? sql.CreateFindMany((NpgsqlConnection)connection) : sql.CreateFind(connection);
            await find.PrepareAsync(cancellationToken);

            return new Lease(connection, find, maxIdle);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The provider, connection string and SQL, learnt once from a context as the rest of Keycard makes them.</summary>
    private (TokenSql Sql, DbProviderFactory Factory, string ConnectionString, int MaxIdle, bool Batched) Provider()
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
                var batched = false;
                if (connection is NpgsqlConnection)
                {
                    // One statement at a time on one connection kept open (never returned to Npgsql's pool, so no
                    // session reset), prepared once. Not multiplexing: it routes every statement through Npgsql's
                    // write loop and the connection's read loop, two thread hops more per statement for nothing
                    // batching does not already give.
                    connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Multiplexing = false }.ConnectionString;
                    batched = true;
                }

                _provider = (TokenSql.For(db), DbProviderFactories.GetFactory(connection)!, connectionString, maxIdle, batched);
                Volatile.Write(ref _mode, batched ? Batched : Direct);
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

    /// <summary>A statement's lookups and the rows it found (PostgreSQL).</summary>
    private sealed record Answered(List<PendingLookup> Lookups, List<StoredToken> Tokens)
    {
        /// <summary>Completes each lookup with its row or null; their callers' continuations run on this thread.</summary>
        public void Resume()
        {
            foreach (var lookup in Lookups)
            {
                lookup.TrySetResult(Match(lookup.Hash));
            }
        }

        private StoredToken? Match(byte[] hash)
        {
            foreach (var token in Tokens)
            {
                if (token.Hash.AsSpan().SequenceEqual(hash))
                {
                    return token;
                }
            }

            return null;
        }
    }

    /// <summary>A lookup waiting for its statement (PostgreSQL), completed with its token or null.</summary>
    private sealed class PendingLookup(byte[] hash) : TaskCompletionSource<StoredToken?>
    {
        public byte[] Hash { get; } = hash;
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
