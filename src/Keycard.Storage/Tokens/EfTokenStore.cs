using System.Data;
using System.Data.Common;
using Keycard.Core.Tokens;
using Keycard.Storage.Stores;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Keycard.Storage.Tokens;

/// <summary>
/// The token table through EF Core, for what is not on the hot path (revocation, pruning), and the token writer's
/// connection: <see cref="TokenWriteBatcher"/> keeps one of these, and applies every batch through <see cref="ApplyBatch"/>.
/// </summary>
internal sealed class EfTokenStore(KeycardDbContext db)
{
    // PostgreSQL: the writer's two statements (a batch of plain inserts, a batch with exchanges), each prepared once on
    // the writer's long-lived connection, which this store keeps open for as long as its writes succeed.
    private NpgsqlCommand? _insertMany;
    private NpgsqlCommand? _exchangeMany;
    private bool _watchingConnection;

    // SQLite: the writer's two statements (spend a code or refresh token, insert a token), kept from batch to batch on
    // the writer's long-lived connection, so SQLite parses and compiles them once per connection instead of once per
    // batch (below saturation a batch is one or two writes, and compiling the 17-column insert was a visible part of
    // the writer's CPU per request).
    private DbCommand? _consume;
    private DbCommand? _insert;

    /// <summary>The SQLite insert statement kept for the next batch; null before the first batch or after a reset (for tests).</summary>
    internal DbCommand? KeptInsert => _insert;

    /// <summary>
    /// Opens this store's connection for good and tunes it for writing (<see cref="KeycardDbContext.TokenWriterSetup"/>):
    /// the token writer keeps one store, and with it one connection, for as long as its writes succeed.
    /// </summary>
    public void OpenForWriting()
    {
        db.Database.OpenConnection();
        if (db.TokenWriterSetup is { } setup)
        {
            db.Database.ExecuteSqlRaw(setup);
        }
    }

    /// <summary>
    /// Applies several writes in one transaction, in order: a plain insert (no consumed hash) always succeeds; an
    /// exchange succeeds only if its code or refresh token was still unspent, and then stores its successors in the
    /// same transaction, so a code or refresh token is never spent without them. Synchronous on purpose: it runs on
    /// <see cref="TokenWriteBatcher"/>'s own thread, and Microsoft.Data.Sqlite's async calls are synchronous anyway.
    /// </summary>
    public bool[] ApplyBatch(IReadOnlyList<TokenWrite> writes)
    {
        var sql = TokenSql.For(db);
        var results = new bool[writes.Count];
        db.Database.OpenConnection();
        try
        {
            var connection = db.Database.GetDbConnection();
            if (connection is NpgsqlConnection postgres)
            {
                return ApplyInOneStatement(sql, postgres, writes);
            }

            using var transaction = connection.BeginTransaction();
            var (consume, insert) = SqliteCommands(sql, connection);
            consume.Transaction = transaction;
            insert.Transaction = transaction;
            for (var i = 0; i < writes.Count; i++)
            {
                var write = writes[i];
                if (write.ConsumedHash is { } hash && !TokenSql.Consume(consume, hash, write.Now))
                {
                    continue;
                }

                foreach (var token in write.Issued)
                {
                    TokenSql.Insert(insert, token);
                }

                results[i] = true;
            }

            transaction.Commit();
            return results;
        }
        finally
        {
            db.Database.CloseConnection();
        }
    }

    /// <summary>The SQLite writer's statements, created once per connection and reused by every batch after.</summary>
    private (DbCommand Consume, DbCommand Insert) SqliteCommands(TokenSql sql, DbConnection connection)
    {
        if (_consume is { } consume && _insert is { } insert)
        {
            return (consume, insert);
        }

        (_consume, _insert) = (sql.CreateConsume(connection, null), sql.CreateInsert(connection, null));
        WatchConnection(connection);
        return (_consume, _insert);
    }

    /// <summary>
    /// A connection closed and opened again (not the writer's, which stays open) is a reset or another session: the
    /// statements kept for it are dropped, and created (and set up) again before the next batch.
    /// </summary>
    private void WatchConnection(DbConnection connection)
    {
        if (_watchingConnection)
        {
            return;
        }

        connection.StateChange += (_, change) =>
        {
            if (change.CurrentState == ConnectionState.Closed)
            {
                (_insertMany, _exchangeMany) = (null, null);
                _consume?.Dispose();
                _insert?.Dispose();
                (_consume, _insert) = (null, null);
            }
        };
        _watchingConnection = true;
    }

    /// <summary>
    /// PostgreSQL: the whole batch as one statement over arrays (<see cref="TokenSql.InsertMany"/>, or
    /// <see cref="TokenSql.ExchangeMany"/> when it spends codes or refresh tokens), so a batch is one round trip, one
    /// Bind and one execution in PostgreSQL, with one typed array per column instead of a parameter per value. A single
    /// statement outside a transaction commits (durably: one WAL flush) or rolls back as a whole, as the SQLite path's
    /// transaction does, and its result is read to the end, the commit included, before any caller is answered.
    /// Applying the writes in order is kept: two exchanges of one hash, only the first spends it (the statement spends
    /// each hash once, for its first exchange). Only an exchange of a token issued earlier in the same batch needs to
    /// see that insert first, which one statement cannot (its parts share one snapshot), so the batch is cut there and
    /// its parts run in order in one transaction. No caller can present a token before its write has completed, so this
    /// does not happen in practice, but the writer keeps the rule rather than rely on its callers. Issue 14 item 8.
    /// </summary>
    private bool[] ApplyInOneStatement(TokenSql sql, NpgsqlConnection connection, IReadOnlyList<TokenWrite> writes)
    {
        var results = new bool[writes.Count];
        var cuts = Cuts(writes);
        if (cuts is null)
        {
            ApplyStatement(sql, connection, writes, 0, writes.Count, results);
            return results;
        }

        using var transaction = connection.BeginTransaction();
        var start = 0;
        foreach (var end in cuts.Append(writes.Count))
        {
            ApplyStatement(sql, connection, writes, start, end, results);
            start = end;
        }

        transaction.Commit();
        return results;
    }

    /// <summary>
    /// Where the batch must be cut so that no exchange shares a statement with an earlier write that issued the token it
    /// spends: the positions that start a new statement, or null (the batch is one statement, as always in practice).
    /// </summary>
    private static List<int>? Cuts(IReadOnlyList<TokenWrite> writes)
    {
        var exchanges = false;
        for (var i = 0; i < writes.Count && !exchanges; i++)
        {
            exchanges = writes[i].ConsumedHash is not null;
        }

        if (!exchanges)
        {
            return null;
        }

        List<int>? cuts = null;
        HashSet<byte[]>? issued = null;
        for (var i = 0; i < writes.Count; i++)
        {
            if (writes[i].ConsumedHash is { } hash && issued is not null && issued.Contains(hash))
            {
                (cuts ??= []).Add(i);
                issued.Clear();
            }

            foreach (var token in writes[i].Issued)
            {
                (issued ??= new HashSet<byte[]>(ByteArrayComparer.Instance)).Add(token.Hash);
            }
        }

        return cuts;
    }

    /// <summary>Writes <c>[start, end)</c> of the batch as one statement; sets the result of each.</summary>
    private void ApplyStatement(TokenSql sql, NpgsqlConnection connection, IReadOnlyList<TokenWrite> writes, int start, int end, bool[] results)
    {
        var tokenCount = 0;
        var exchangeCount = 0;
        for (var i = start; i < end; i++)
        {
            tokenCount += writes[i].Issued.Count;
            exchangeCount += writes[i].ConsumedHash is null ? 0 : 1;
        }

        var tokens = new StoredToken[tokenCount];
        var owners = exchangeCount == 0 ? null : new int[tokenCount];
        var spent = exchangeCount == 0 ? null : new byte[exchangeCount][];
        var times = exchangeCount == 0 ? null : new long[exchangeCount];
        var exchanges = exchangeCount == 0 ? null : new int[exchangeCount];
        var t = 0;
        var e = 0;
        for (var i = start; i < end; i++)
        {
            var write = writes[i];
            var owner = 0;
            if (write.ConsumedHash is { } hash)
            {
                spent![e] = hash;
                times![e] = TimeMapping.ToMs(write.Now);
                exchanges![e] = i;
                owner = ++e;
            }
            else
            {
                // A plain insert (or a flush marker) is applied whenever the statement is.
                results[i] = true;
            }

            foreach (var token in write.Issued)
            {
                if (owners is not null)
                {
                    owners[t] = owner;
                }

                tokens[t++] = token;
            }
        }

        if (exchanges is null)
        {
            if (tokenCount == 0)
            {
                return;
            }

            var insert = _insertMany ?? Prepare(sql, connection).Insert;
            TokenSql.BindMany(insert, tokens);
            insert.ExecuteNonQuery();
            return;
        }

        var exchange = _exchangeMany ?? Prepare(sql, connection).Exchange;
        TokenSql.BindMany(exchange, tokens, spent, times, owners);
        using var reader = exchange.ExecuteReader();
        while (reader.Read())
        {
            results[exchanges[(int)reader.GetInt64(0) - 1]] = true;
        }

        // To the end of the statement's answer (its commit, outside a transaction), so an error there still throws here.
        while (reader.NextResult())
        {
        }
    }

    /// <summary>
    /// The writer's two statements, prepared once on its connection: PostgreSQL then binds and runs them without parsing
    /// or planning them again (PostgreSQL shares the machine with Keycard, so its CPU is Keycard's throughput). Before
    /// that, the session turns sequential scans off: the only table these statements read is tokens, by primary key, but
    /// on a small table (a new deployment, the first minutes of a benchmark) the planner would prefer a scan, and the
    /// prepared plan would keep it as the table grows until the next ANALYZE. Npgsql resets the setting (RESET ALL) when
    /// the connection goes back to its pool.
    /// </summary>
    private (NpgsqlCommand Insert, NpgsqlCommand Exchange) Prepare(TokenSql sql, NpgsqlConnection connection)
    {
        using (var setup = new NpgsqlCommand(TokenSql.PostgresWriterSetup, connection))
        {
            setup.ExecuteNonQuery();
        }

        var insert = sql.CreateMany(connection, exchange: false);
        var exchange = sql.CreateMany(connection, exchange: true);
        insert.Prepare();
        exchange.Prepare();
        (_insertMany, _exchangeMany) = (insert, exchange);
        WatchConnection(connection);
        return (insert, exchange);
    }

    public async Task<bool> RevokeAsync(byte[] hash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nowMs = TimeMapping.ToMs(now);
        var revoked = await db.Tokens
            .Where(t => t.Hash == hash && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, nowMs), cancellationToken);
        await NotifyAsync(RevocationBroadcast.TokenPayload(hash), cancellationToken);
        return revoked > 0;
    }

    public async Task<int> RevokeFamilyAsync(string familyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nowMs = TimeMapping.ToMs(now);
        var revoked = await db.Tokens
            .Where(t => t.FamilyId == familyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, nowMs), cancellationToken);
        await NotifyAsync(RevocationBroadcast.FamilyPayload(familyId), cancellationToken);
        return revoked;
    }

    /// <summary>PostgreSQL: tells every node's cache, after the revocation committed (<see cref="RevocationBroadcast"/>).</summary>
    private Task NotifyAsync(string payload, CancellationToken cancellationToken) =>
        RevocationBroadcast.NotifyAsync(db.Database, [payload], cancellationToken);

    public async Task<int> PruneAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken)
    {
        var cutoffMs = TimeMapping.ToMs(cutoff);

        // One or two statements per batch, DELETE … WHERE "Hash" IN (SELECT "Hash" … LIMIT n): rows are found through the
        // ExpiresAt and RevokedAt indexes and deleted by primary key, and the statement's locks last only as long as
        // one small batch. No round trip and no window between finding a batch and deleting it. Expired rows first,
        // then revoked ones: each is a range search along its own index in that index's order, so a batch limit has
        // a defined order (EF Core warns about Take without OrderBy otherwise) without sorting or scanning live rows.
        var removed = await db.Tokens
            .Where(t => t.ExpiresAt < cutoffMs)
            .OrderBy(t => t.ExpiresAt)
            .Take(batchSize)
            .ExecuteDeleteAsync(cancellationToken);
        if (removed < batchSize)
        {
            removed += await db.Tokens
                .Where(t => t.RevokedAt < cutoffMs)
                .OrderBy(t => t.RevokedAt)
                .Take(batchSize - removed)
                .ExecuteDeleteAsync(cancellationToken);
        }

        return removed;
    }

    /// <summary>Token hashes compared by value.</summary>
    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] value)
        {
            var hash = new HashCode();
            hash.AddBytes(value);
            return hash.ToHashCode();
        }
    }
}
