using Keycard.Core.Clients;
using Keycard.Core.Storage;
using Keycard.Storage.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Storage.Caching;

/// <summary>
/// Client lookups from memory for at most the cache duration: every token request reads its client. Changes made
/// through this node evict at once; the CLI's changes (another process) take effect within the duration.
/// A hit leases no DbContext: the EF Core store is resolved only on a miss or a write.
/// </summary>
internal sealed class CachingClientStore(IServiceProvider services, StoreCache cache) : IClientStore
{
    private EfClientStore? _inner;

    public async Task<Client?> FindAsync(string clientId, CancellationToken cancellationToken)
    {
        var key = "c:" + clientId;
        if (cache.TryGet<Client>(key, out var cached) && cached is not null)
        {
            return cached;
        }

        var client = await Inner.FindAsync(clientId, cancellationToken);
        if (client is not null)
        {
            cache.Set(key, client);
        }

        return client;
    }

    public Task<IReadOnlyList<Client>> ListAsync(CancellationToken cancellationToken) => Inner.ListAsync(cancellationToken);

    public Task<bool> AddAsync(Client client, CancellationToken cancellationToken)
    {
        cache.Remove("c:" + client.ClientId);
        return Inner.AddAsync(client, cancellationToken);
    }

    public Task<bool> UpdateAsync(Client client, CancellationToken cancellationToken)
    {
        cache.Remove("c:" + client.ClientId);
        return Inner.UpdateAsync(client, cancellationToken);
    }

    public Task<bool> RemoveAsync(string clientId, CancellationToken cancellationToken)
    {
        cache.Remove("c:" + clientId);
        return Inner.RemoveAsync(clientId, cancellationToken);
    }

    public Task<bool> IsOriginAllowedAsync(string origin, CancellationToken cancellationToken) => Inner.IsOriginAllowedAsync(origin, cancellationToken);

    /// <summary>The EF Core store, resolved (and a pooled DbContext leased) only when the cache cannot answer.</summary>
    private EfClientStore Inner => _inner ??= services.GetRequiredService<EfClientStore>();
}
