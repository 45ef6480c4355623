using Keycard.Core.Authorization;
using Keycard.Core.Storage;
using Keycard.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Keycard.Storage.Stores;

/// <summary>Browser sign-in sessions in the <c>sign_in_sessions</c> table; every node reads the same rows, so ending one ends it everywhere.</summary>
internal sealed class EfSignInSessionStore(KeycardDbContext db) : ISignInSessionStore
{
    public async Task AddAsync(SignInSessionRecord session, CancellationToken cancellationToken)
    {
        db.SignInSessions.Add(new SignInSessionEntity
        {
            Id = session.Id,
            UserId = session.UserId,
            AuthTime = TimeMapping.ToMs(session.AuthTime),
            ExpiresAt = TimeMapping.ToMs(session.ExpiresAt),
            EndedAt = session.EndedAt is { } ended ? TimeMapping.ToMs(ended) : null,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    public async Task<SignInSessionRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var entity = await db.SignInSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        return entity is null ? null : ToRecord(entity);
    }

    public async Task<bool> EndAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var at = TimeMapping.ToMs(now);
        return await db.SignInSessions.Where(s => s.Id == id && s.EndedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.EndedAt, at), cancellationToken) > 0;
    }

    public async Task<int> EndForUserAsync(int userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var at = TimeMapping.ToMs(now);
        return await db.SignInSessions.Where(s => s.UserId == userId && s.EndedAt == null && s.ExpiresAt > at)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.EndedAt, at), cancellationToken);
    }

    public Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var at = TimeMapping.ToMs(cutoff);
        return db.SignInSessions.Where(s => s.ExpiresAt < at || s.EndedAt < at).ExecuteDeleteAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<SignInSessionRecord>> ListForUserAsync(int userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var at = TimeMapping.ToMs(now);
        var rows = await db.SignInSessions.AsNoTracking().Where(s => s.UserId == userId && s.ExpiresAt > at)
            .OrderByDescending(s => s.AuthTime).ToListAsync(cancellationToken);
        return rows.ConvertAll(ToRecord);
    }

    private static SignInSessionRecord ToRecord(SignInSessionEntity entity) => new(
        entity.Id,
        entity.UserId,
        TimeMapping.FromMs(entity.AuthTime),
        TimeMapping.FromMs(entity.ExpiresAt),
        entity.EndedAt is { } ended ? TimeMapping.FromMs(ended) : null);
}
