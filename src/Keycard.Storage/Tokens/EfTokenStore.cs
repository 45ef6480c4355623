using Keycard.Core.Tokens;
using Keycard.Storage.Stores;
using Microsoft.EntityFrameworkCore;

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

    public async Task<bool> RevokeAsync(byte[] hash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nowMs = TimeMapping.ToMs(now);
        var revoked = await db.Tokens
            .Where(t => t.Hash == hash && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, nowMs), cancellationToken);
        return revoked > 0;
    }

    public Task<int> RevokeFamilyAsync(string familyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nowMs = TimeMapping.ToMs(now);
        return db.Tokens
            .Where(t => t.FamilyId == familyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, nowMs), cancellationToken);
    }

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
