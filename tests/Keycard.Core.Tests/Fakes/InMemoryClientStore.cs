using Keycard.Core.Clients;
using Keycard.Core.Storage;

namespace Keycard.Core.Tests.Fakes;

public sealed class InMemoryClientStore(params Client[] clients) : IClientStore
{
    private readonly Dictionary<string, Client> _clients = clients.ToDictionary(c => c.ClientId, StringComparer.Ordinal);

    public Task<Client?> FindAsync(string clientId, CancellationToken cancellationToken) => Task.FromResult(_clients.GetValueOrDefault(clientId));

    public Task<IReadOnlyList<Client>> ListAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<Client>>([.. _clients.Values]);

    public Task<bool> AddAsync(Client client, CancellationToken cancellationToken) => Task.FromResult(_clients.TryAdd(client.ClientId, client));

    public Task<bool> UpdateAsync(Client client, CancellationToken cancellationToken)
    {
        var exists = _clients.ContainsKey(client.ClientId);
        if (exists)
        {
            _clients[client.ClientId] = client;
        }

        return Task.FromResult(exists);
    }

    public Task<bool> RemoveAsync(string clientId, CancellationToken cancellationToken) => Task.FromResult(_clients.Remove(clientId));

    public Task<bool> IsOriginAllowedAsync(string origin, CancellationToken cancellationToken) =>
        Task.FromResult(_clients.Values.Any(c => c.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase)));
}
