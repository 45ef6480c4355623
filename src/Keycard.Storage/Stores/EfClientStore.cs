using Keycard.Core.Clients;
using Keycard.Core.Storage;
using Keycard.Storage.Entities;
using Keycard.Storage.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Keycard.Storage.Stores;

internal sealed class EfClientStore(KeycardDbContext db) : IClientStore
{
    public async Task<Client?> FindAsync(string clientId, CancellationToken cancellationToken)
    {
        var entity = await db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);
        return entity is null ? null : ToModel(entity);
    }

    public async Task<IReadOnlyList<Client>> ListAsync(CancellationToken cancellationToken)
    {
        var entities = await db.Clients.AsNoTracking().OrderBy(c => c.ClientId).ToListAsync(cancellationToken);
        return entities.ConvertAll(ToModel);
    }

    public async Task<bool> AddAsync(Client client, CancellationToken cancellationToken)
    {
        if (await db.Clients.AnyAsync(c => c.ClientId == client.ClientId, cancellationToken))
        {
            return false;
        }

        db.Clients.Add(ToEntity(client));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // Lost a race with another writer for the same id.
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    public async Task<bool> UpdateAsync(Client client, CancellationToken cancellationToken)
    {
        var entity = await db.Clients.FirstOrDefaultAsync(c => c.ClientId == client.ClientId, cancellationToken);
        if (entity is null)
        {
            return false;
        }

        Copy(client, entity);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return true;
    }

    public async Task<bool> RemoveAsync(string clientId, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var removed = await db.Clients.Where(c => c.ClientId == clientId).ExecuteDeleteAsync(cancellationToken);

        // A removed client's codes and tokens stop working with it (and its users' consents go too, issue 16), on every running node at once: the notification
        // is sent in the transaction and delivered when it commits (RevocationBroadcast).
        await RevocationBroadcast.NotifyFamiliesAsync(db.Database, db.Tokens.Where(t => t.ClientId == clientId), cancellationToken);
        await db.Tokens.Where(t => t.ClientId == clientId).ExecuteDeleteAsync(cancellationToken);
        await db.Consents.Where(c => c.ClientId == clientId).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return removed > 0;
    }

    public async Task<bool> IsOriginAllowedAsync(string origin, CancellationToken cancellationToken)
    {
        // Few clients, rare preflights: read the origin lists and compare in memory, portable across providers.
        var lists = await db.Clients.AsNoTracking().Select(c => c.AllowedOrigins).ToListAsync(cancellationToken);
        return lists.Exists(l => l.Contains(origin, StringComparer.OrdinalIgnoreCase));
    }

    private static Client ToModel(ClientEntity e) => new()
    {
        ClientId = e.ClientId,
        Name = e.Name,
        AppCode = e.AppCode,
        IsConfidential = e.IsConfidential,
        SecretHash = e.SecretHash,
        RedirectUris = e.RedirectUris,
        AllowedOrigins = e.AllowedOrigins,
        AllowedScopes = e.AllowedScopes,
        RequirePkce = e.RequirePkce,
        AllowPasswordCodeEndpoint = e.AllowPasswordCodeEndpoint,
        AllowClientCredentials = e.AllowClientCredentials,
        IsThirdParty = e.IsThirdParty,
        PostLogoutRedirectUris = e.PostLogoutRedirectUris,
        AccessTokenFormat = e.AccessTokenFormat,
        Resources = e.Resources,
        SigningAlgorithm = e.SigningAlgorithm,
        CreatedAt = TimeMapping.FromMs(e.CreatedAt),
        UpdatedAt = TimeMapping.FromMs(e.UpdatedAt),
    };

    private static ClientEntity ToEntity(Client c)
    {
        var entity = new ClientEntity { ClientId = c.ClientId, Name = c.Name, AppCode = c.AppCode };
        Copy(c, entity);
        return entity;
    }

    private static void Copy(Client c, ClientEntity e)
    {
        e.Name = c.Name;
        e.AppCode = c.AppCode;
        e.IsConfidential = c.IsConfidential;
        e.SecretHash = c.SecretHash;
        e.RedirectUris = [.. c.RedirectUris];
        e.AllowedOrigins = [.. c.AllowedOrigins];
        e.AllowedScopes = [.. c.AllowedScopes];
        e.RequirePkce = c.RequirePkce;
        e.AllowPasswordCodeEndpoint = c.AllowPasswordCodeEndpoint;
        e.AllowClientCredentials = c.AllowClientCredentials;
        e.IsThirdParty = c.IsThirdParty;
        e.PostLogoutRedirectUris = [.. c.PostLogoutRedirectUris];
        e.AccessTokenFormat = c.AccessTokenFormat;
        e.Resources = [.. c.Resources];
        e.SigningAlgorithm = c.SigningAlgorithm;
        e.CreatedAt = TimeMapping.ToMs(c.CreatedAt);
        e.UpdatedAt = TimeMapping.ToMs(c.UpdatedAt);
    }
}
