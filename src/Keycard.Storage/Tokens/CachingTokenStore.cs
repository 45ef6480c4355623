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
/// even against a lookup that raced it. Through another node or the CLI it takes effect within the cache duration.
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
        var key = TokenKey(hash);
        cache.Set(RevokedKey(key), true, durations: 2);
        cache.Remove(key);
        return inner.RevokeAsync(hash, now, cancellationToken);
    }

    public Task<int> RevokeFamilyAsync(string familyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cache.Set(FamilyKey(familyId), true, durations: 2);
        return inner.RevokeFamilyAsync(familyId, now, cancellationToken);
    }

    public Task<int> PruneAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken) =>
        inner.PruneAsync(cutoff, batchSize, cancellationToken);

    private static string TokenKey(byte[] hash) => "t:" + Convert.ToBase64String(hash);

    private static string RevokedKey(string tokenKey) => "r" + tokenKey;

    private static string FamilyKey(string familyId) => "f:" + familyId;
}
