using Keycard.Core.Clients;

namespace Keycard.Core.Storage;

public interface IClientStore
{
    Task<Client?> FindAsync(string clientId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Client>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Adds a client; false when the id is taken.</summary>
    Task<bool> AddAsync(Client client, CancellationToken cancellationToken);

    /// <summary>Replaces a client; false when it does not exist.</summary>
    Task<bool> UpdateAsync(Client client, CancellationToken cancellationToken);

    Task<bool> RemoveAsync(string clientId, CancellationToken cancellationToken);

    /// <summary>True when some client registered this browser origin.</summary>
    Task<bool> IsOriginAllowedAsync(string origin, CancellationToken cancellationToken);
}
