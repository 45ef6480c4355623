using Keycard.Storage.Caching;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Keycard.Storage.Tokens;

/// <summary>
/// Cross-node revocation on PostgreSQL: a node that revokes a token or a family sends <c>NOTIFY</c> on
/// <see cref="Channel"/> after the revocation commits, and every node listening (the server's RevocationListener)
/// marks it revoked in its memory cache at once, as the revoking node does for itself. The CLI's revocations
/// (<c>keycard tokens revoke</c>, <c>client remove</c>, <c>user disable | set-password | remove</c>) notify too, one
/// family at a time. Without the notification (a listener that is reconnecting, SQLite) the cache duration still
/// bounds it (1 s by default). The payload is a cache key: the token's storage key (the SHA-256 the table is keyed
/// by, never the token) or the family id.
/// </summary>
public static class RevocationBroadcast
{
    public const string Channel = "keycard_revocations";

    internal static string TokenPayload(byte[] hash) => CachingTokenStore.TokenKey(hash);

    internal static string FamilyPayload(string familyId) => CachingTokenStore.FamilyKey(familyId);

    /// <summary>
    /// PostgreSQL: sends one notification per payload in one statement on <paramref name="database"/>'s connection;
    /// inside a transaction PostgreSQL delivers them when it commits. Nothing on SQLite, where no node listens.
    /// </summary>
    internal static async Task NotifyAsync(DatabaseFacade database, IReadOnlyCollection<string> payloads, CancellationToken cancellationToken)
    {
        if (payloads.Count == 0 || !database.IsNpgsql())
        {
            return;
        }

        string[] all = [.. payloads];
        await database.ExecuteSqlAsync($"SELECT pg_notify({Channel}, payload) FROM unnest({all}) AS payload", cancellationToken);
    }

    /// <summary>
    /// PostgreSQL: tells every node that the families of <paramref name="tokens"/> are revoked (a mass revocation:
    /// every token of a user or a client, each family wholly theirs). Nothing on SQLite.
    /// </summary>
    internal static async Task NotifyFamiliesAsync(DatabaseFacade database, IQueryable<TokenEntity> tokens, CancellationToken cancellationToken)
    {
        if (!database.IsNpgsql())
        {
            return;
        }

        var families = await tokens.Select(t => t.FamilyId).Distinct().ToListAsync(cancellationToken);
        await NotifyAsync(database, families.ConvertAll(FamilyPayload), cancellationToken);
    }

    /// <summary>Applies a notification received from another node (or this one: harmless) to this node's cache.</summary>
    public static void Apply(StoreCache cache, string payload) => CachingTokenStore.MarkRevoked(cache, payload);
}
