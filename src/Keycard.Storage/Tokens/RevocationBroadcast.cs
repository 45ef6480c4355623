using Keycard.Storage.Caching;

namespace Keycard.Storage.Tokens;

/// <summary>
/// Cross-node revocation on PostgreSQL: a node that revokes a token or a family sends <c>NOTIFY</c> on
/// <see cref="Channel"/> after the revocation commits, and every node listening (the server's RevocationListener)
/// marks it revoked in its memory cache at once, as the revoking node does for itself. Without the notification (a
/// listener that is reconnecting, SQLite, the CLI) the cache duration still bounds it (1 s by default). The payload
/// is a cache key: the token's storage key (the SHA-256 the table is keyed by, never the token) or the family id.
/// </summary>
public static class RevocationBroadcast
{
    public const string Channel = "keycard_revocations";

    internal static string TokenPayload(byte[] hash) => CachingTokenStore.TokenKey(hash);

    internal static string FamilyPayload(string familyId) => CachingTokenStore.FamilyKey(familyId);

    /// <summary>Applies a notification received from another node (or this one: harmless) to this node's cache.</summary>
    public static void Apply(StoreCache cache, string payload) => CachingTokenStore.MarkRevoked(cache, payload);
}
