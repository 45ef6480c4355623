using Keycard.Core.Consent;
using Keycard.Core.Storage;

namespace Keycard.Core.Tests.Fakes;

/// <summary>The <see cref="IConsentStore"/> contract in memory; revocation revokes through the in-memory token store.</summary>
public sealed class InMemoryConsentStore(InMemoryTokenStore tokens) : IConsentStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(int, string), ConsentGrant> _consents = [];

    public Task<ConsentGrant?> FindAsync(int userId, string clientId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_consents.GetValueOrDefault((userId, clientId)));
        }
    }

    public Task<IReadOnlyList<ConsentGrant>> ListAsync(int? userId, string? clientId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<ConsentGrant> found = [.. _consents.Values
                .Where(c => (userId is null || c.UserId == userId) && (clientId is null || c.ClientId == clientId))
                .OrderBy(c => c.UserId).ThenBy(c => c.ClientId, StringComparer.Ordinal)];
            return Task.FromResult(found);
        }
    }

    public Task<ConsentGrant> GrantAsync(int userId, string clientId, IReadOnlyCollection<string> scopes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var before = _consents.GetValueOrDefault((userId, clientId))?.Scopes ?? [];
            var grant = new ConsentGrant(userId, clientId, [.. before.Union(scopes, StringComparer.Ordinal)], now);
            _consents[(userId, clientId)] = grant;
            return Task.FromResult(grant);
        }
    }

    public async Task<ConsentRevocation> RevokeAsync(int userId, string? clientId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<string> removed;
        lock (_gate)
        {
            removed = [.. _consents.Keys.Where(k => k.Item1 == userId && (clientId is null || k.Item2 == clientId)).Select(k => k.Item2)];
            foreach (var client in removed)
            {
                _consents.Remove((userId, client));
            }
        }

        var clients = clientId is null ? removed : [clientId];
        var families = tokens.All.Where(t => t.UserId == userId && clients.Contains(t.ClientId) && t.RevokedAt is null).Select(t => t.FamilyId).Distinct().ToList();
        var count = 0;
        foreach (var family in families)
        {
            count += await tokens.RevokeFamilyAsync(family, now, cancellationToken);
        }

        return new ConsentRevocation(removed, families, count);
    }
}
