using Keycard.Core.Consent;

namespace Keycard.Core.Storage;

/// <summary>Users' consents to third-party clients, one per (user, client).</summary>
public interface IConsentStore
{
    Task<ConsentGrant?> FindAsync(int userId, string clientId, CancellationToken cancellationToken);

    /// <summary>The consents of one user, one client, both, or (both null) everyone's; ordered by user then client.</summary>
    Task<IReadOnlyList<ConsentGrant>> ListAsync(int? userId, string? clientId, CancellationToken cancellationToken);

    /// <summary>
    /// Adds <paramref name="scopes"/> to the user's consent for the client (the union with what was already allowed),
    /// creating it if there was none, and returns the consent as stored.
    /// </summary>
    Task<ConsentGrant> GrantAsync(int userId, string clientId, IReadOnlyCollection<string> scopes, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: removes the user's consent to one client (or, with <paramref name="clientId"/> null, to every
    /// client), and revokes every live code and token those clients hold for the user.
    /// </summary>
    Task<ConsentRevocation> RevokeAsync(int userId, string? clientId, DateTimeOffset now, CancellationToken cancellationToken);
}
