using Keycard.Core.Clients;
using Keycard.Core.Storage;
using Keycard.Storage.Stores;

namespace Keycard.Storage.Caching;

/// <summary>
/// Client lookups from memory for at most the cache duration: every token request reads its client. Changes made
/// through this node evict at once; the CLI's changes (another process) take effect within the duration.
/// </summary>
internal sealed class CachingClientStore(EfClientStore inner, StoreCache cache) : IClientStore
{
    public async Task<Client?> FindAsync(string clientId, CancellationToken cancellationToken)
    {
        var key = "c:" + clientId;
        if (cache.TryGet<Client>(key, out var cached) && cached is not null)
        {
            return cached;
        }

        var client = await inner.FindAsync(clientId, cancellationToken);
        if (client is not null)
        {
            cache.Set(key, client);
        }

        return client;
    }

    public Task<IReadOnlyList<Client>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

    public Task<bool> AddAsync(Client client, CancellationToken cancellationToken)
    {
        cache.Remove("c:" + client.ClientId);
        return inner.AddAsync(client, cancellationToken);
    }

    public Task<bool> UpdateAsync(Client client, CancellationToken cancellationToken)
    {
        cache.Remove("c:" + client.ClientId);
        return inner.UpdateAsync(client, cancellationToken);
    }

    public Task<bool> RemoveAsync(string clientId, CancellationToken cancellationToken)
    {
        cache.Remove("c:" + clientId);
        return inner.RemoveAsync(clientId, cancellationToken);
    }

    public Task<bool> IsOriginAllowedAsync(string origin, CancellationToken cancellationToken) => inner.IsOriginAllowedAsync(origin, cancellationToken);
}
