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
    /// The schedule's regular step, for each algorithm in use (the default one, <paramref name="algorithm"/> when
    /// given, and every algorithm that has a key signing or due to sign): makes a key that signs now when none does
    /// (first start, or the first client asking for an algorithm), and the next key
    /// <see cref="SigningKeyOptions.PublishAhead"/> before the current one retires. Deletes keys long expired.
    /// Returns the keys made.
    /// </summary>
    public Task<IReadOnlyList<SigningKeyEntity>> EnsureAsync(CancellationToken cancellationToken) => EnsureAsync(null, cancellationToken);

    /// <inheritdoc cref="EnsureAsync(CancellationToken)"/>
    public Task<IReadOnlyList<SigningKeyEntity>> EnsureAsync(string? algorithm, CancellationToken cancellationToken) =>
        InLockAsync((keys, now) =>
        {
            var made = new List<SigningKeyEntity>();
            foreach (var inUse in AlgorithmsInUse(keys, now, algorithm))
            {
                var ofAlgorithm = keys.Where(k => k.Algorithm == inUse).ToList();
                var current = Current(ofAlgorithm, now);
                if (current is null)
                {
                    current = Add(now, now, inUse);
                    made.Add(current);
                }

                var hasNext = ofAlgorithm.Any(k => k.ActivatesAt >= current.RetiresAt && k.RetiresAt > k.ActivatesAt);
                if (!hasNext && current.RetiresAt - Options.PublishAhead.TotalSeconds <= now.ToUnixTimeSeconds())
                {
                    made.Add(Add(now, DateTimeOffset.FromUnixTimeSeconds(current.RetiresAt), inUse));
                }
            }

            // Unpublished for a day: nothing can verify with them any more.
            db.Set<SigningKeyEntity>().RemoveRange(keys.Where(k => k.ExpiresAt < now.AddDays(-1).ToUnixTimeSeconds()));
            return made;
        }, cancellationToken);

    /// <summary>
    /// Starts a new key for <paramref name="algorithm"/>, or for every algorithm in use when it is null: at once
    /// (<paramref name="now"/>, e.g. after a leak) or after <see cref="SigningKeyOptions.PublishAhead"/> (so caches of
    /// the JWKS have it first; at once when none of that algorithm signs yet). The keys of that algorithm signing until
    /// then stop then and stay published for <see cref="SigningKeyOptions.RetainAfterRetire"/>. Returns the keys made,
    /// the default algorithm's first.
    /// </summary>
    public Task<IReadOnlyList<SigningKeyEntity>> RotateAsync(bool now, string? algorithm, CancellationToken cancellationToken) =>
        InLockAsync((keys, at) =>
        {
            var made = new List<SigningKeyEntity>();
            var algorithms = algorithm is null ? AlgorithmsInUse(keys, at, null) : [algorithm];
            foreach (var inUse in algorithms)
            {
                var ofAlgorithm = keys.Where(k => k.Algorithm == inUse).ToList();
                // With no key signing yet there is no cached JWKS to wait for: the new key signs at once.
                var activatesAt = now || Current(ofAlgorithm, at) is null ? at : at + Options.PublishAhead;
                var activates = activatesAt.ToUnixTimeSeconds();
                foreach (var key in ofAlgorithm.Where(k => k.RetiresAt > activates))
                {
                    key.RetiresAt = Math.Max(key.ActivatesAt, activates);
                    key.ExpiresAt = Math.Min(key.ExpiresAt, key.RetiresAt + (long)Options.RetainAfterRetire.TotalSeconds);
                }

                made.Add(Add(at, activatesAt, inUse));
            }

            return made;
        }, cancellationToken);

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
            var ofAlgorithm = keys.Where(k => k.Algorithm == key.Algorithm).ToList();
            if (Current(ofAlgorithm, at) is null)
            {
                made.Add(Add(at, at, key.Algorithm));
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

    /// <summary>
    /// The default algorithm first, then <paramref name="requested"/>, then every other algorithm with a key that signs
    /// now or later: an algorithm a client asked for once stays on the schedule (issue 16: ES256 per client on request).
    /// </summary>
    private List<string> AlgorithmsInUse(IEnumerable<SigningKeyEntity> keys, DateTimeOffset now, string? requested)
    {
        var at = now.ToUnixTimeSeconds();
        var result = new List<string> { DefaultAlgorithm };
        foreach (var algorithm in keys.Where(k => k.RetiresAt > at && k.RetiresAt > k.ActivatesAt && k.ExpiresAt > at).Select(k => k.Algorithm).Prepend(requested))
        {
            if (SigningAlgorithms.Normalize(algorithm) is { } known && !result.Contains(known))
            {
                result.Add(known);
            }
        }

        return result;
    }

    private string DefaultAlgorithm => SigningAlgorithms.Normalize(Options.Algorithm) ?? SigningAlgorithms.RS256;

    private SigningKeyEntity Add(DateTimeOffset now, DateTimeOffset activatesAt, string algorithm)
    {
        var retiresAt = activatesAt + Options.RotationPeriod;
        var row = SigningKeyMaterial.Create(
            SigningAlgorithms.Normalize(algorithm) ?? DefaultAlgorithm,
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
