using Keycard.Core.Storage;
using Keycard.Core.Tokens;
using Keycard.Storage.Caching;

namespace Keycard.Storage.Tokens;

/// <summary>
/// The token store Keycard runs with: lookups through <see cref="TokenReader"/>, revocation and pruning through
/// <see cref="EfTokenStore"/> (EF Core). Writes go through <see cref="TokenWriteBatcher"/> (group commit: concurrent
/// issuances share one durable transaction). Reads serve access-token lookups from memory for at most <see cref="StoreCache.Duration"/>. Only live access tokens are
/// cached, and the validator still checks expiry on every use. Revoking a token or a family through this node leaves
/// a marker, kept twice as long as any entry, that every cache hit checks: a revocation here takes effect at once,
/// even against a lookup that raced it. Through another node it takes effect at once on PostgreSQL (<see cref="RevocationBroadcast"/>),
/// otherwise (SQLite, the CLI, a listener reconnecting) within the cache duration.
/// </summary>
internal sealed class CachingTokenStore(TokenReader reader, TokenWriteBatcher writes, EfTokenStore inner, StoreCache cache) : ITokenStore
{
    public Task AddAsync(IReadOnlyList<StoredToken> tokens, CancellationToken cancellationToken) =>
        tokens.Count == 0 ? Task.CompletedTask : writes.AddAsync(tokens);

    public async Task<StoredToken?> FindAsync(byte[] hash, CancellationToken cancellationToken)
    {
        var key = TokenKey(hash);
        if (cache.TryGet<StoredToken>(key, out var cached) && cached is not null &&
            !cache.TryGet<bool>(RevokedKey(key), out _) && !cache.TryGet<bool>(FamilyKey(cached.FamilyId), out _))
        {
            return cached;
        }

        var token = await reader.FindAsync(hash, cancellationToken);
        if (token is { Kind: TokenKind.AccessToken, RevokedAt: null })
        {
            cache.Set(key, token, token.ExpiresAt);
        }

        return token;
    }

    public Task<bool> ExchangeAsync(byte[] consumedHash, DateTimeOffset now, IReadOnlyList<StoredToken> issued, CancellationToken cancellationToken) =>
        writes.ExchangeAsync(consumedHash, now, issued);

    public Task<bool> RevokeAsync(byte[] hash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        MarkRevoked(cache, TokenKey(hash));
        return inner.RevokeAsync(hash, now, cancellationToken);
    }

    public Task<int> RevokeFamilyAsync(string familyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        MarkRevoked(cache, FamilyKey(familyId));
        return inner.RevokeFamilyAsync(familyId, now, cancellationToken);
    }

    /// <summary>Marks a token key ("t:…") or a family key ("f:…") revoked in this node's cache.</summary>
    internal static void MarkRevoked(StoreCache cache, string key)
    {
        if (key.StartsWith("t:", StringComparison.Ordinal))
        {
            cache.Set(RevokedKey(key), true, durations: 2);
            cache.Remove(key);
        }
        else if (key.StartsWith("f:", StringComparison.Ordinal))
        {
            cache.Set(key, true, durations: 2);
        }
    }

    public Task<int> PruneAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken) =>
        inner.PruneAsync(cutoff, batchSize, cancellationToken);

    internal static string TokenKey(byte[] hash) => "t:" + Convert.ToBase64String(hash);

    private static string RevokedKey(string tokenKey) => "r" + tokenKey;

    internal static string FamilyKey(string familyId) => "f:" + familyId;
}
