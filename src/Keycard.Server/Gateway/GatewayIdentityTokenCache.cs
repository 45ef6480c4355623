using System.Collections.Concurrent;
using Keycard.Core.Security;
using Keycard.Core.Signing;
using Keycard.Core.Tokens;

namespace Keycard.Server.Gateway;

/// <summary>
/// Reuses a signed upstream identity token for the same access token and route during the first quarter of its
/// lifetime (15 s of the default 60 s): an RS256 signature costs more CPU than everything else the gateway does per
/// request (docs/benchmarks.md, "Gateway"). The key is the access token's stored SHA-256 and the route, so a JWT only
/// ever goes back to requests carrying the very token it was minted for (one user, one client, one scope), and the
/// access token is checked on every request before this cache is asked, so a revoked token never reaches it.
/// A hit costs one lookup and no allocation: the entry holds the whole <c>Authorization</c> value, and the issuer
/// (which reads the request) is only worked out when a JWT is minted. Without a configured issuer that issuer follows
/// the request's scheme and host (OAuthIssuer), so they are part of the key: a JWT minted for one spelling of the host
/// (localhost, 127.0.0.1) never carries its iss to a request made through the other.
/// </summary>
internal sealed class GatewayIdentityTokenCache(JwtSigner signer, TimeProvider time)
{
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<Key, (string Authorization, DateTimeOffset ReuseUntil)> _entries = new();

    /// <summary>The <c>Authorization</c> header value for the upstream: <c>Bearer</c> and the identity token.</summary>
    public async ValueTask<string> GetAuthorizationAsync(
        string route, Func<HttpContext, string> issuer, HttpContext context, string audience, TimeSpan lifetime, StoredToken token, CancellationToken cancellationToken)
    {
        var key = new Key(route, token.Hash, context.Request.Scheme, context.Request.Host.Value);
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(key, out var cached) && now < cached.ReuseUntil)
        {
            return cached.Authorization;
        }

        var jwt = await GatewayIdentityToken.CreateAsync(signer, time, issuer(context), audience, lifetime, token, cancellationToken);
        if (_entries.Count >= MaxEntries)
        {
            Evict(now);
        }

        var authorization = "Bearer " + jwt;
        _entries[new Key(route, token.Hash.ToArray(), key.Scheme, key.Host)] = (authorization, now + (lifetime / 4));
        return authorization;
    }

    /// <summary>
    /// Drops the entries past their reuse time, or every entry if that leaves the cache full. A method of its own: the
    /// lambda captures <paramref name="now"/>, and a captured local of <see cref="GetAuthorizationAsync"/> would cost
    /// its closure on every call, hits included.
    /// </summary>
    private void Evict(DateTimeOffset now)
    {
        foreach (var stale in _entries.Where(e => e.Value.ReuseUntil <= now).Select(e => e.Key).ToList())
        {
            _entries.TryRemove(stale, out _);
        }

        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }
    }

    /// <summary>
    /// A route, an access token's SHA-256 (compared by its bytes; stored entries keep a copy of them), and the request's
    /// scheme and host, which decide the issuer when none is configured.
    /// </summary>
    private readonly struct Key : IEquatable<Key>
    {
        private readonly string _route;
        private readonly byte[] _hash;

        public Key(string route, byte[] hash, string scheme, string? host)
        {
            _route = route;
            _hash = hash;
            Scheme = scheme;
            Host = host;
        }

        public string Scheme { get; }

        public string? Host { get; }

        public bool Equals(Key other) =>
            string.Equals(_route, other._route, StringComparison.Ordinal) && _hash.AsSpan().SequenceEqual(other._hash)
            && string.Equals(Scheme, other.Scheme, StringComparison.Ordinal) && string.Equals(Host, other.Host, StringComparison.OrdinalIgnoreCase);

        public override bool Equals(object? obj) => obj is Key other && Equals(other);

        public override int GetHashCode() => HashCode.Combine(_route, SecureToken.StorageKeyHashCode(_hash));
    }
}
