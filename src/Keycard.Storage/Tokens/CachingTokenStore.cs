using System.Security.Cryptography;
using Keycard.Core.Security;
using Keycard.Core.Storage;
using Keycard.Core.Tokens;
using Keycard.Storage.Caching;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Storage.Tokens;

/// <summary>
/// The token store Keycard runs with: lookups through <see cref="TokenReader"/>, revocation and pruning through
/// <see cref="EfTokenStore"/> (EF Core). Writes go through <see cref="TokenWriteBatcher"/> (group commit: concurrent
/// issuances share one durable transaction). Reads serve access-token lookups from memory for at most <see cref="StoreCache.Duration"/>. Only live access tokens are
/// cached, and the validator still checks expiry on every use. Revoking a token or a family through this node leaves
/// a marker, kept twice as long as any entry: a revocation here takes effect at once, even against a lookup that raced
/// it. Through another node it takes effect at once on PostgreSQL (<see cref="RevocationBroadcast"/>),
/// otherwise (SQLite, the CLI, a listener reconnecting) within the cache duration.
/// <para>
/// A cache hit (every gateway call and API call with a live token) is one memory lookup keyed on the hash bytes: no
/// string is built and no DbContext is leased (EfTokenStore is resolved only to revoke or prune). It needs no marker
/// lookup because of two orderings. A token's revocation sets its marker, then removes its entry; a lookup that
/// read the database caches the token, then checks the markers and drops its entry if one is there; so a revoked
/// token's entry never outlives its revocation. A family's revocation (its tokens' keys are unknown here) sets the
/// family marker, then bumps <see cref="s_familyRevocations"/>; an entry remembers the count it was checked at, and a
/// hit after any family revocation checks its family's marker again before it is served.
/// </para>
/// </summary>
internal sealed class CachingTokenStore(TokenReader reader, TokenWriteBatcher writes, IServiceProvider services, StoreCache cache) : ITokenStore
{
    /// <summary>Family revocations seen by this process (any cache; an unrelated bump only costs one marker lookup).</summary>
    private static long s_familyRevocations;

    public Task AddAsync(IReadOnlyList<StoredToken> tokens, CancellationToken cancellationToken) =>
        tokens.Count == 0 ? Task.CompletedTask : writes.AddAsync(tokens);

    public async Task<StoredToken?> FindAsync(byte[] hash, CancellationToken cancellationToken)
    {
        var key = new EntryKey(hash);
        if (cache.TryGet<Entry>(key, out var cached) && cached is not null && IsUnrevoked(cached))
        {
            return cached.Token;
        }

        // Read the count before the database: a family revoked after this point bumps it past the entry's.
        var checkedAt = Volatile.Read(ref s_familyRevocations);
        var token = await reader.FindAsync(hash, cancellationToken);
        if (token is { Kind: TokenKind.AccessToken, RevokedAt: null })
        {
            cache.Set(key, new Entry(token, checkedAt), token.ExpiresAt);
            Interlocked.MemoryBarrier();
            if (cache.TryGet<bool>(RevokedKey(TokenKey(hash)), out _) || cache.TryGet<bool>(FamilyKey(token.FamilyId), out _))
            {
                // A revocation raced this lookup: it may have removed its entries before ours was added.
                cache.Remove(key);
            }
        }

        return token;
    }

    public Task<bool> ExchangeAsync(byte[] consumedHash, DateTimeOffset now, IReadOnlyList<StoredToken> issued, CancellationToken cancellationToken) =>
        writes.ExchangeAsync(consumedHash, now, issued);

    public Task<bool> RevokeAsync(byte[] hash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        MarkTokenRevoked(cache, hash);
        return Inner.RevokeAsync(hash, now, cancellationToken);
    }

    public Task<int> RevokeFamilyAsync(string familyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        MarkRevoked(cache, FamilyKey(familyId));
        return Inner.RevokeFamilyAsync(familyId, now, cancellationToken);
    }

    /// <summary>Marks a token key ("t:…") or a family key ("f:…") revoked in this node's cache.</summary>
    internal static void MarkRevoked(StoreCache cache, string key)
    {
        if (key.StartsWith("t:", StringComparison.Ordinal))
        {
            var hash = new byte[(key.Length - 2) / 4 * 3];
            if (Convert.TryFromBase64Chars(key.AsSpan(2), hash, out var length))
            {
                MarkTokenRevoked(cache, hash[..length]);
            }
        }
        else if (key.StartsWith("f:", StringComparison.Ordinal))
        {
            cache.Set(key, true, durations: 2);
            Interlocked.Increment(ref s_familyRevocations);
        }
    }

    /// <summary>Sets the token's marker, then removes its entry (the ordering <see cref="FindAsync"/> relies on).</summary>
    private static void MarkTokenRevoked(StoreCache cache, byte[] hash)
    {
        cache.Set(RevokedKey(TokenKey(hash)), true, durations: 2);
        Interlocked.MemoryBarrier();
        cache.Remove(new EntryKey(hash));
    }

    public Task<int> PruneAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken) =>
        Inner.PruneAsync(cutoff, batchSize, cancellationToken);

    /// <summary>The EF Core store, resolved (and its pooled DbContext leased) only when a revocation or a prune needs it.</summary>
    private EfTokenStore Inner => services.GetRequiredService<EfTokenStore>();

    internal static string TokenKey(byte[] hash) => "t:" + Convert.ToBase64String(hash);

    private static string RevokedKey(string tokenKey) => "r" + tokenKey;

    internal static string FamilyKey(string familyId) => "f:" + familyId;

    /// <summary>
    /// A cached live access token and the family-revocation count its family's marker was last checked at: a hit
    /// checks the marker again only when a family was revoked since.
    /// </summary>
    private bool IsUnrevoked(Entry cached)
    {
        var now = Volatile.Read(ref s_familyRevocations);
        if (cached.CheckedAt == now)
        {
            return true;
        }

        if (cache.TryGet<bool>(FamilyKey(cached.Token.FamilyId), out _))
        {
            return false;
        }

        cached.CheckedAt = now;
        return true;
    }

    [CacheEntryName(nameof(StoredToken))]
    private sealed class Entry(StoredToken token, long checkedAt)
    {
        private long _checkedAt = checkedAt;

        public StoredToken Token { get; } = token;

        public long CheckedAt { get => Volatile.Read(ref _checkedAt); set => Volatile.Write(ref _checkedAt, value); }
    }

    /// <summary>The storage key's bytes as a cache key: compared in constant time, hashed from its SHA-256 part.</summary>
    private sealed class EntryKey(byte[] hash) : IEquatable<EntryKey>
    {
        private readonly byte[] _hash = hash;

        public bool Equals(EntryKey? other) => other is not null && CryptographicOperations.FixedTimeEquals(_hash, other._hash);

        public override bool Equals(object? obj) => obj is EntryKey other && Equals(other);

        public override int GetHashCode() => SecureToken.StorageKeyHashCode(_hash);
    }
}
