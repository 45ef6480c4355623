using System.Collections.Concurrent;
using Keycard.Core.Storage;
using Keycard.Core.Tokens;
using Keycard.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Keycard.Storage.Stores;

internal sealed class EfTokenStore(KeycardDbContext db) : ITokenStore
{
    // A compiled query is bound to the model it first ran against: one per provider's context type lets SQLite and
    // PostgreSQL share a process (the storage contract tests run both).
    private static readonly ConcurrentDictionary<Type, Func<KeycardDbContext, byte[], CancellationToken, Task<TokenEntity?>>> FindByHash = new();

    public async Task AddAsync(IReadOnlyList<StoredToken> tokens, CancellationToken cancellationToken)
    {
        if (tokens.Count == 0)
        {
            return;
        }

        foreach (var token in tokens)
        {
            db.Tokens.Add(ToEntity(token));
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    public async Task<StoredToken?> FindAsync(byte[] hash, CancellationToken cancellationToken)
    {
        var find = FindByHash.GetOrAdd(db.GetType(), _ => EF.CompileAsyncQuery((KeycardDbContext context, byte[] h, CancellationToken _) =>
            context.Tokens.AsNoTracking().FirstOrDefault(t => t.Hash == h)));
        var entity = await find(db, hash, cancellationToken);
        return entity is null ? null : ToModel(entity);
    }

    public async Task<bool> ExchangeAsync(byte[] consumedHash, DateTimeOffset now, IReadOnlyList<StoredToken> issued, CancellationToken cancellationToken)
    {
        var nowMs = TimeMapping.ToMs(now);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // The conditional update is the lock: of two concurrent exchanges exactly one sees a row change.
        var consumed = await Unspent(consumedHash).ExecuteUpdateAsync(s => s.SetProperty(t => t.ConsumedAt, nowMs), cancellationToken);
        if (consumed == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        foreach (var token in issued)
        {
            db.Tokens.Add(ToEntity(token));
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Applies several writes in one transaction, in order: a plain insert (no consumed hash) always succeeds; an
    /// exchange succeeds only if its code or refresh token was still unspent, exactly as <see cref="ExchangeAsync"/>.
    /// Synchronous on purpose: it runs on <see cref="TokenWriteBatcher"/>'s own thread.
    /// </summary>
    public bool[] ApplyBatch(IReadOnlyList<(byte[]? ConsumedHash, DateTimeOffset Now, IReadOnlyList<StoredToken> Issued)> operations)
    {
        var results = new bool[operations.Count];
        using var transaction = db.Database.BeginTransaction();
        try
        {
            for (var i = 0; i < operations.Count; i++)
            {
                var (consumedHash, now, issued) = operations[i];
                if (consumedHash is not null)
                {
                    var nowMs = TimeMapping.ToMs(now);
                    var consumed = Unspent(consumedHash).ExecuteUpdate(s => s.SetProperty(t => t.ConsumedAt, nowMs));
                    if (consumed == 0)
                    {
                        continue;
                    }
                }

                foreach (var token in issued)
                {
                    db.Tokens.Add(ToEntity(token));
                }

                results[i] = true;
            }

            db.SaveChanges();
            transaction.Commit();
            return results;
        }
        finally
        {
            db.ChangeTracker.Clear();
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

    public Task<int> PruneAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken)
    {
        var cutoffMs = TimeMapping.ToMs(cutoff);

        // One statement per batch, DELETE … WHERE "Hash" IN (SELECT "Hash" … LIMIT n): the rows are found through the
        // ExpiresAt and RevokedAt indexes and deleted by primary key, and the statement's locks last only as long as
        // one small batch. No round trip and no window between finding a batch and deleting it.
        return db.Tokens
            .Where(t => t.ExpiresAt < cutoffMs || t.RevokedAt < cutoffMs)
            .Take(batchSize)
            .ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>The row of a code or refresh token that is neither spent nor revoked: what an exchange may consume.</summary>
    private IQueryable<TokenEntity> Unspent(byte[] hash) =>
        db.Tokens.Where(t => t.Hash == hash && t.ConsumedAt == null && t.RevokedAt == null);

    private static TokenEntity ToEntity(StoredToken t) => new()
    {
        Hash = t.Hash,
        Kind = (int)t.Kind,
        ClientId = t.ClientId,
        UserId = t.UserId,
        Scope = t.Scope,
        ScopeOpen = t.ScopeOpen,
        FamilyId = t.FamilyId,
        RedirectUri = t.RedirectUri,
        CodeChallenge = t.CodeChallenge,
        CreatedAt = TimeMapping.ToMs(t.CreatedAt),
        ExpiresAt = TimeMapping.ToMs(t.ExpiresAt),
        ConsumedAt = t.ConsumedAt is { } c ? TimeMapping.ToMs(c) : null,
        RevokedAt = t.RevokedAt is { } r ? TimeMapping.ToMs(r) : null,
    };

    private static StoredToken ToModel(TokenEntity e) => new()
    {
        Hash = e.Hash,
        Kind = (TokenKind)e.Kind,
        ClientId = e.ClientId,
        UserId = e.UserId,
        Scope = e.Scope,
        ScopeOpen = e.ScopeOpen,
        FamilyId = e.FamilyId,
        RedirectUri = e.RedirectUri,
        CodeChallenge = e.CodeChallenge,
        CreatedAt = TimeMapping.FromMs(e.CreatedAt),
        ExpiresAt = TimeMapping.FromMs(e.ExpiresAt),
        ConsumedAt = TimeMapping.FromMs(e.ConsumedAt),
        RevokedAt = TimeMapping.FromMs(e.RevokedAt),
    };
}
