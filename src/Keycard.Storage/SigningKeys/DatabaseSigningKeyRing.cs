using Keycard.Core.Signing;
using Keycard.Storage.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Keycard.Storage.SigningKeys;

/// <summary>
/// The signing keys from the database, kept in memory for <see cref="SigningKeyOptions.RefreshInterval"/> and then read
/// again, so every node on one PostgreSQL signs with the same key and sees another node's rotation within that
/// interval. Which key signs is decided at each call from the cached schedule, so a key published ahead starts
/// signing on time everywhere without a read.
/// </summary>
public sealed class DatabaseSigningKeyRing(IServiceScopeFactory scopes, KeyEncryptionKey kek, IOptions<SigningKeyOptions> options, TimeProvider time) : ISigningKeyRing, IDisposable
{
    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile Snapshot? _snapshot;

    /// <summary>When the key set was last read, or null before the first read (for readiness).</summary>
    public DateTimeOffset? LoadedAt => _snapshot?.LoadedAt;

    public ValueTask<SigningKey> GetCurrentAsync(CancellationToken cancellationToken) =>
        GetCurrentAsync(SigningAlgorithms.Normalize(options.Value.Algorithm) ?? SigningAlgorithms.RS256, cancellationToken);

    public async ValueTask<SigningKey> GetCurrentAsync(string algorithm, CancellationToken cancellationToken)
    {
        algorithm = SigningAlgorithms.Normalize(algorithm) ?? throw new ArgumentException($"Keycard does not sign with '{algorithm}'.", nameof(algorithm));
        var now = time.GetUtcNow();
        if (Pick(await GetAsync(cancellationToken), now, algorithm) is { } key)
        {
            return key;
        }

        // None of this algorithm signs now (first start, the first client asking for ES256, or the cached schedule is
        // stale): make sure one exists, under the administration's lock so nodes asking at once make one, then read again.
        await EnsureAsync(algorithm, cancellationToken);
        return Pick(await GetAsync(cancellationToken, force: true), time.GetUtcNow(), algorithm)
            ?? throw new InvalidOperationException($"No {algorithm} signing key is active after creating one.");
    }

    public async ValueTask<IReadOnlyList<SigningKey>> GetPublishedAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return [.. (await GetAsync(cancellationToken)).Where(k => k.PublishedAt(now))];
    }

    public void Dispose() => _reload.Dispose();

    /// <summary>Forgets the cached keys (after this node changed the schedule).</summary>
    public void Invalidate() => _snapshot = null;

    /// <summary>Runs the schedule's regular step (<see cref="SigningKeyAdministration.EnsureAsync"/>) and reloads when it made a key.</summary>
    public Task<IReadOnlyList<SigningKeyEntity>> EnsureAsync(CancellationToken cancellationToken) => EnsureAsync(null, cancellationToken);

    /// <summary>As <see cref="EnsureAsync(CancellationToken)"/>, with <paramref name="algorithm"/> in use too.</summary>
    public async Task<IReadOnlyList<SigningKeyEntity>> EnsureAsync(string? algorithm, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var made = await scope.ServiceProvider.GetRequiredService<SigningKeyAdministration>().EnsureAsync(algorithm, cancellationToken);
        if (made.Count > 0)
        {
            Invalidate();
        }

        return made;
    }

    /// <summary>The latest-activated key of <paramref name="algorithm"/> that signs at <paramref name="now"/> (a loop: every signed token asks).</summary>
    private static SigningKey? Pick(IReadOnlyList<SigningKey> keys, DateTimeOffset now, string algorithm)
    {
        SigningKey? picked = null;
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            if (key.Algorithm == algorithm && key.SignsAt(now) && key.PublishedAt(now) && (picked is null || key.ActivatesAt > picked.ActivatesAt))
            {
                picked = key;
            }
        }

        return picked;
    }

    private async ValueTask<IReadOnlyList<SigningKey>> GetAsync(CancellationToken cancellationToken, bool force = false)
    {
        var snapshot = _snapshot;
        if (!force && snapshot is not null && time.GetUtcNow() - snapshot.LoadedAt < options.Value.RefreshInterval)
        {
            return snapshot.Keys;
        }

        await _reload.WaitAsync(cancellationToken);
        try
        {
            snapshot = _snapshot;
            if (!force && snapshot is not null && time.GetUtcNow() - snapshot.LoadedAt < options.Value.RefreshInterval)
            {
                return snapshot.Keys;
            }

            var loadedAt = time.GetUtcNow();
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KeycardDbContext>();
            var rows = await db.Set<SigningKeyEntity>().AsNoTracking().ToListAsync(cancellationToken);
            var keys = rows.Where(r => r.ExpiresAt > loadedAt.ToUnixTimeSeconds()).Select(r => SigningKeyMaterial.Open(r, kek)).ToArray();
            _snapshot = new Snapshot(keys, loadedAt);
            return keys;
        }
        finally
        {
            _reload.Release();
        }
    }

    private sealed record Snapshot(IReadOnlyList<SigningKey> Keys, DateTimeOffset LoadedAt);
}
