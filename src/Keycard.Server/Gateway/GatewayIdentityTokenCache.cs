using System.Collections.Concurrent;
using Keycard.Core.Signing;
using Keycard.Core.Tokens;

namespace Keycard.Server.Gateway;

/// <summary>
/// Reuses a signed upstream identity token for the same access token and route during the first quarter of its
/// lifetime (15 s of the default 60 s): an RS256 signature costs more CPU than everything else the gateway does per
/// request (docs/benchmarks.md, "Gateway"). The key is the access token's stored SHA-256 and the route, so a JWT only
/// ever goes back to requests carrying the very token it was minted for (one user, one client, one scope), and the
/// access token is checked on every request before this cache is asked, so a revoked token never reaches it.
/// </summary>
internal sealed class GatewayIdentityTokenCache(JwtSigner signer, TimeProvider time)
{
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<(string Route, string Token), (string Jwt, DateTimeOffset ReuseUntil)> _entries = new();

    public async ValueTask<string> GetAsync(string route, string issuer, string audience, TimeSpan lifetime, StoredToken token, CancellationToken cancellationToken)
    {
        var key = (route, Convert.ToBase64String(token.Hash));
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(key, out var cached) && now < cached.ReuseUntil)
        {
            return cached.Jwt;
        }

        var jwt = await GatewayIdentityToken.CreateAsync(signer, time, issuer, audience, lifetime, token, cancellationToken);
        if (_entries.Count >= MaxEntries)
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

        _entries[key] = (jwt, now + (lifetime / 4));
        return jwt;
    }
}
