using Keycard.Core.Consent;
using Keycard.Core.Storage;
using Keycard.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Keycard.Storage.Stores;

/// <summary>
/// Consents in the <c>consents</c> table, one row per (user, client) holding the union of the scopes allowed.
/// Revocation removes the rows and revokes the clients' codes and tokens for the user in the same transaction.
/// </summary>
internal sealed class EfConsentStore(KeycardDbContext db) : IConsentStore
{
    public async Task<ConsentGrant?> FindAsync(int userId, string clientId, CancellationToken cancellationToken)
    {
        var entity = await db.Consents.AsNoTracking().FirstOrDefaultAsync(c => c.UserId == userId && c.ClientId == clientId, cancellationToken);
        return entity is null ? null : ToModel(entity);
    }

    public async Task<IReadOnlyList<ConsentGrant>> ListAsync(int? userId, string? clientId, CancellationToken cancellationToken)
    {
        var query = db.Consents.AsNoTracking();
        if (userId is { } user)
        {
            query = query.Where(c => c.UserId == user);
        }

        if (clientId is not null)
        {
            query = query.Where(c => c.ClientId == clientId);
        }

        var entities = await query.OrderBy(c => c.UserId).ThenBy(c => c.ClientId).ToListAsync(cancellationToken);
        return entities.ConvertAll(ToModel);
    }

    public async Task<ConsentGrant> GrantAsync(int userId, string clientId, IReadOnlyCollection<string> scopes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Read, merge, write; two concurrent first grants race on the primary key, and the loser merges again.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var entity = await db.Consents.FirstOrDefaultAsync(c => c.UserId == userId && c.ClientId == clientId, cancellationToken);
                if (entity is null)
                {
                    entity = new ConsentEntity { UserId = userId, ClientId = clientId };
                    db.Consents.Add(entity);
                }

                entity.Scopes = [.. entity.Scopes.Union(scopes, StringComparer.Ordinal)];
                entity.GrantedAt = TimeMapping.ToMs(now);
                await db.SaveChangesAsync(cancellationToken);
                return ToModel(entity);
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // Another writer inserted the row first: read it again and merge into it.
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    public async Task<ConsentRevocation> RevokeAsync(int userId, string? clientId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var consents = db.Consents.Where(c => c.UserId == userId);
        if (clientId is not null)
        {
            consents = consents.Where(c => c.ClientId == clientId);
        }

        var clientIds = await consents.Select(c => c.ClientId).ToListAsync(cancellationToken);
        await consents.ExecuteDeleteAsync(cancellationToken);

        // The clients named (even with no consent left, e.g. revoked twice) and the ones whose consent ended.
        List<string> clients = clientId is null ? clientIds : [clientId];
        var nowMs = TimeMapping.ToMs(now);
        var live = db.Tokens.Where(t => t.UserId == userId && clients.Contains(t.ClientId) && t.RevokedAt == null);
        var families = await live.Select(t => t.FamilyId).Distinct().ToListAsync(cancellationToken);
        var tokens = await live.ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, nowMs), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ConsentRevocation(clientIds, families, tokens);
    }

    private static ConsentGrant ToModel(ConsentEntity e) => new(e.UserId, e.ClientId, e.Scopes, TimeMapping.FromMs(e.GrantedAt));
}
