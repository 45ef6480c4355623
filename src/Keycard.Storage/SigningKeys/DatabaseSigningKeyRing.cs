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

    public async ValueTask<SigningKey> GetCurrentAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (Pick(await GetAsync(cancellationToken), now) is { } key)
        {
            return key;
        }

        // None signs now (first start, or the cached schedule is stale): make sure one exists, then read again.
        await EnsureAsync(cancellationToken);
        return Pick(await GetAsync(cancellationToken, force: true), time.GetUtcNow())
            ?? throw new InvalidOperationException("No signing key is active after creating one.");
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
    public async Task<IReadOnlyList<SigningKeyEntity>> EnsureAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var made = await scope.ServiceProvider.GetRequiredService<SigningKeyAdministration>().EnsureAsync(cancellationToken);
        if (made.Count > 0)
        {
            Invalidate();
        }

        return made;
    }

    private static SigningKey? Pick(IReadOnlyList<SigningKey> keys, DateTimeOffset now) =>
        keys.Where(k => k.SignsAt(now) && k.PublishedAt(now)).OrderByDescending(k => k.ActivatesAt).FirstOrDefault();

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
