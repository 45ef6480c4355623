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
                return ApplyInOneRoundTrip(sql, postgres, writes);
            }

            using var transaction = connection.BeginTransaction();
            using var consume = sql.CreateConsume(connection, transaction);
            using var insert = sql.CreateInsert(connection, transaction);
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

    /// <summary>
    /// PostgreSQL: the batch's statements sent together. Without an explicit transaction Npgsql runs a batch as one
    /// implicit transaction, so it commits (durably, one WAL flush) or rolls back as a whole, as the SQLite path does,
    /// and each statement sees the ones before it (two exchanges of one refresh token: only the first spends it).
    /// Issue 14 item 8: one round trip per batch instead of one per statement.
    /// </summary>
    private static bool[] ApplyInOneRoundTrip(TokenSql sql, NpgsqlConnection connection, IReadOnlyList<TokenWrite> writes)
    {
        var commands = new NpgsqlBatchCommand?[writes.Count];
        using var batch = new NpgsqlBatch(connection);
        for (var i = 0; i < writes.Count; i++)
        {
            commands[i] = TokenSql.CreateWrite(sql, writes[i]);
            if (commands[i] is { } command)
            {
                batch.BatchCommands.Add(command);
            }
        }

        if (batch.BatchCommands.Count > 0)
        {
            // Prepared on the writer's long-lived connection: a round trip only the first time a statement's shape
            // (exchange or insert, how many tokens) is seen, after which PostgreSQL binds and runs it without parsing
            // or planning it again. PostgreSQL shares the machine with Keycard, so its CPU is Keycard's throughput.
            batch.Prepare();
            batch.ExecuteNonQuery();
        }

        var results = new bool[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            results[i] = TokenSql.Applied(commands[i]);
        }

        return results;
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
}
