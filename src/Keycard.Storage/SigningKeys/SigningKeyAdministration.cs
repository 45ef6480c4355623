using Keycard.Core.Signing;
using Keycard.Storage.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Keycard.Storage.SigningKeys;

/// <summary>
/// Changes to the signing key schedule: the first key, the next key when it is due, a rotation on demand, a retirement.
/// Each change runs in one transaction that first takes a lock (a PostgreSQL advisory lock; SQLite's
/// <c>BEGIN IMMEDIATE</c>), then reads the schedule again, so nodes acting together make one key, not one each.
/// </summary>
public sealed class SigningKeyAdministration(KeycardDbContext db, KeyEncryptionKey kek, IOptions<SigningKeyOptions> options, TimeProvider time)
{
    // Any constant shared by every node, other than the Data Protection one; "KcSignKy" in ASCII.
    private const long AdvisoryLockId = 0x4B63_5369_676E_4B79;

    private SigningKeyOptions Options => options.Value;

    /// <summary>Every stored key, newest activation first.</summary>
    public async Task<IReadOnlyList<SigningKeyEntity>> ListAsync(CancellationToken cancellationToken) =>
        await db.Set<SigningKeyEntity>().AsNoTracking().OrderByDescending(k => k.ActivatesAt).ThenByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);

    /// <summary>
    /// The schedule's regular step: makes a key that signs now when none does (first start), and the next key
    /// <see cref="SigningKeyOptions.PublishAhead"/> before the current one retires. Deletes keys long expired.
    /// Returns the keys made.
    /// </summary>
    public Task<IReadOnlyList<SigningKeyEntity>> EnsureAsync(CancellationToken cancellationToken) =>
        InLockAsync((keys, now) =>
        {
            var made = new List<SigningKeyEntity>();
            var current = Current(keys, now);
            if (current is null)
            {
                current = Add(now, now);
                made.Add(current);
            }

            var hasNext = keys.Any(k => k.ActivatesAt >= current.RetiresAt && k.RetiresAt > k.ActivatesAt);
            if (!hasNext && current.RetiresAt - Options.PublishAhead.TotalSeconds <= now.ToUnixTimeSeconds())
            {
                made.Add(Add(now, DateTimeOffset.FromUnixTimeSeconds(current.RetiresAt)));
            }

            // Unpublished for a day: nothing can verify with them any more.
            db.Set<SigningKeyEntity>().RemoveRange(keys.Where(k => k.ExpiresAt < now.AddDays(-1).ToUnixTimeSeconds()));
            return made;
        }, cancellationToken);

    /// <summary>
    /// Starts a new key: at once (<paramref name="now"/>, e.g. after a leak) or after
    /// <see cref="SigningKeyOptions.PublishAhead"/> (so caches of the JWKS have it first; at once when none signs yet). The keys signing until
    /// then stop then and stay published for <see cref="SigningKeyOptions.RetainAfterRetire"/>.
    /// </summary>
    public async Task<SigningKeyEntity> RotateAsync(bool now, string? algorithm, CancellationToken cancellationToken)
    {
        var made = await InLockAsync((keys, at) =>
        {
            // With no key signing yet there is no cached JWKS to wait for: the new key signs at once.
            var activatesAt = now || Current(keys, at) is null ? at : at + Options.PublishAhead;
            var activates = activatesAt.ToUnixTimeSeconds();
            foreach (var key in keys.Where(k => k.RetiresAt > activates))
            {
                key.RetiresAt = Math.Max(key.ActivatesAt, activates);
                key.ExpiresAt = Math.Min(key.ExpiresAt, key.RetiresAt + (long)Options.RetainAfterRetire.TotalSeconds);
            }

            return [Add(at, activatesAt, algorithm)];
        }, cancellationToken);
        return made[0];
    }

    /// <summary>
    /// Stops <paramref name="keyId"/> signing and unpublishes it now, so tokens it signed no longer verify (after a leak).
    /// When it was the signing key, a new key signs at once. Returns false when there is no such key.
    /// </summary>
    public async Task<bool> RetireAsync(string keyId, CancellationToken cancellationToken)
    {
        var found = false;
        await InLockAsync((keys, at) =>
        {
            var made = new List<SigningKeyEntity>();
            if (keys.FirstOrDefault(k => k.KeyId == keyId) is not { } key)
            {
                return made;
            }

            found = true;
            var now = at.ToUnixTimeSeconds();
            key.RetiresAt = Math.Max(Math.Min(key.RetiresAt, now), key.ActivatesAt);
            key.ExpiresAt = Math.Min(key.ExpiresAt, now);
            if (Current(keys, at) is null)
            {
                made.Add(Add(at, at));
            }

            return made;
        }, cancellationToken);
        return found;
    }

    private static SigningKeyEntity? Current(IEnumerable<SigningKeyEntity> keys, DateTimeOffset now)
    {
        var at = now.ToUnixTimeSeconds();
        return keys.Where(k => k.ActivatesAt <= at && at < k.RetiresAt && at < k.ExpiresAt).OrderByDescending(k => k.ActivatesAt).FirstOrDefault();
    }

    private SigningKeyEntity Add(DateTimeOffset now, DateTimeOffset activatesAt, string? algorithm = null)
    {
        var retiresAt = activatesAt + Options.RotationPeriod;
        var row = SigningKeyMaterial.Create(
            SigningAlgorithms.Normalize(algorithm ?? Options.Algorithm) ?? SigningAlgorithms.RS256,
            kek,
            now,
            activatesAt,
            retiresAt,
            retiresAt + Options.RetainAfterRetire);
        db.Set<SigningKeyEntity>().Add(row);
        return row;
    }

    private async Task<IReadOnlyList<SigningKeyEntity>> InLockAsync(Func<List<SigningKeyEntity>, DateTimeOffset, List<SigningKeyEntity>> change, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // SQLite needs nothing more: Microsoft.Data.Sqlite begins with BEGIN IMMEDIATE, so one writer at a time.
            if (db.Database.IsNpgsql())
            {
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0})", [AdvisoryLockId], cancellationToken);
            }

            var keys = await db.Set<SigningKeyEntity>().ToListAsync(cancellationToken);
            var made = change(keys, time.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return (IReadOnlyList<SigningKeyEntity>)made;
        });
    }
}
