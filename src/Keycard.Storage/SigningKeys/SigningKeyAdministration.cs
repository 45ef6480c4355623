using Keycard.Core.Signing;
using Keycard.Storage.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Keycard.Storage.SigningKeys;

/// <summary>
/// Changes to the signing key schedule: the first key, the next key when it is due, a rotation on demand, a retirement.
/// Each change runs in one transaction that first takes a lock (a PostgreSQL advisory lock; SQLite's
/// <c>BEGIN IMMEDIATE</c>), then reads the schedule again, so nodes acting together make one key, not one each; the key
/// pairs are generated before the lock is taken (see <see cref="ChangeAsync"/>).
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
        ChangeAsync(schedule =>
        {
            var now = schedule.Now;
            foreach (var inUse in AlgorithmsInUse(schedule.Keys, now, algorithm))
            {
                var ofAlgorithm = schedule.Keys.Where(k => k.Algorithm == inUse).ToList();
                var current = Current(ofAlgorithm, now) ?? schedule.Add(now, inUse);
                var hasNext = ofAlgorithm.Any(k => k.ActivatesAt >= current.RetiresAt && k.RetiresAt > k.ActivatesAt);
                if (!hasNext && current.RetiresAt - Options.PublishAhead.TotalSeconds <= now.ToUnixTimeSeconds())
                {
                    schedule.Add(DateTimeOffset.FromUnixTimeSeconds(current.RetiresAt), inUse);
                }
            }

            // Unpublished for a day: nothing can verify with them any more.
            schedule.Remove(schedule.Keys.Where(k => k.ExpiresAt < now.AddDays(-1).ToUnixTimeSeconds()));
        }, lockOnlyForAChange: true, cancellationToken);

    /// <summary>
    /// Starts a new key for <paramref name="algorithm"/>, or for every algorithm in use when it is null: at once
    /// (<paramref name="now"/>, e.g. after a leak) or after <see cref="SigningKeyOptions.PublishAhead"/> (so caches of
    /// the JWKS have it first; at once when none of that algorithm signs yet). The keys of that algorithm signing until
    /// then stop then and stay published for <see cref="SigningKeyOptions.RetainAfterRetire"/>. Returns the keys made,
    /// the default algorithm's first.
    /// </summary>
    public Task<IReadOnlyList<SigningKeyEntity>> RotateAsync(bool now, string? algorithm, CancellationToken cancellationToken) =>
        ChangeAsync(schedule =>
        {
            var at = schedule.Now;
            var algorithms = algorithm is null ? AlgorithmsInUse(schedule.Keys, at, null) : [algorithm];
            foreach (var inUse in algorithms)
            {
                var ofAlgorithm = schedule.Keys.Where(k => k.Algorithm == inUse).ToList();
                // With no key signing yet there is no cached JWKS to wait for: the new key signs at once.
                var activatesAt = now || Current(ofAlgorithm, at) is null ? at : at + Options.PublishAhead;
                var activates = activatesAt.ToUnixTimeSeconds();
                foreach (var key in ofAlgorithm.Where(k => k.RetiresAt > activates))
                {
                    key.RetiresAt = Math.Max(key.ActivatesAt, activates);
                    key.ExpiresAt = Math.Min(key.ExpiresAt, key.RetiresAt + (long)Options.RetainAfterRetire.TotalSeconds);
                }

                schedule.Add(activatesAt, inUse);
            }
        }, lockOnlyForAChange: false, cancellationToken);

    /// <summary>
    /// Stops <paramref name="keyId"/> signing and unpublishes it now, so tokens it signed no longer verify (after a leak).
    /// When it was the signing key, a new key signs at once. Returns false when there is no such key.
    /// </summary>
    public async Task<bool> RetireAsync(string keyId, CancellationToken cancellationToken)
    {
        var found = false;
        await ChangeAsync(schedule =>
        {
            // The last pass, under the lock, sets it.
            var key = schedule.Keys.FirstOrDefault(k => k.KeyId == keyId);
            found = key is not null;
            if (key is null)
            {
                return;
            }

            var now = schedule.Now.ToUnixTimeSeconds();
            key.RetiresAt = Math.Max(Math.Min(key.RetiresAt, now), key.ActivatesAt);
            key.ExpiresAt = Math.Min(key.ExpiresAt, now);
            if (Current(schedule.Keys.Where(k => k.Algorithm == key.Algorithm), schedule.Now) is null)
            {
                schedule.Add(schedule.Now, key.Algorithm);
            }
        }, lockOnlyForAChange: false, cancellationToken);
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

    /// <summary>
    /// Runs <paramref name="change"/> twice. First on the schedule as read without any lock, only to learn which keys
    /// it would make: those are generated then, outside the lock, because the lock is SQLite's one writer (every token
    /// write waits for it) and an RSA key takes tens of milliseconds to make, seconds on a loaded machine. Then in one
    /// transaction that first takes the lock (a PostgreSQL advisory lock; SQLite's <c>BEGIN IMMEDIATE</c>), on the
    /// schedule read again, so nodes acting together make one key, not one each; the change takes the keys generated
    /// for it, or makes one more if another node changed the schedule in between. With
    /// <paramref name="lockOnlyForAChange"/>, a first pass that would change nothing ends there, without the lock (the
    /// regular check, which finds nothing to do almost every time).
    /// </summary>
    private async Task<IReadOnlyList<SigningKeyEntity>> ChangeAsync(Action<Schedule> change, bool lockOnlyForAChange, CancellationToken cancellationToken)
    {
        var draft = new Schedule(await db.Set<SigningKeyEntity>().AsNoTracking().ToListAsync(cancellationToken), time.GetUtcNow(), Options, set: null, generated: [], generate: null);
        change(draft);
        if (lockOnlyForAChange && draft.Made.Count == 0 && !draft.Removes)
        {
            return [];
        }

        var generated = draft.Made.Select(k => GenerateKey(k.Algorithm, kek)).ToList();
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

            var set = db.Set<SigningKeyEntity>();
            var schedule = new Schedule(await set.ToListAsync(cancellationToken), time.GetUtcNow(), Options, set, [.. generated], algorithm => GenerateKey(algorithm, kek));
            change(schedule);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return (IReadOnlyList<SigningKeyEntity>)schedule.Made;
        });
    }

    /// <summary>Makes a key pair; a test may put a probe here to see what the database allows while keys are made.</summary>
    internal Func<string, KeyEncryptionKey, GeneratedSigningKey> GenerateKey { get; init; } = SigningKeyMaterial.Generate;

    /// <summary>
    /// One pass of a change over the stored keys at <see cref="Now"/>. A draft (no <c>set</c>) changes nothing stored:
    /// its keys have no material and are not added, its removals are only noted. Otherwise new keys take the key pairs
    /// in <c>generated</c>, and <c>generate</c> makes any more needed.
    /// </summary>
    private sealed class Schedule(
        List<SigningKeyEntity> keys, DateTimeOffset now, SigningKeyOptions options, DbSet<SigningKeyEntity>? set, List<GeneratedSigningKey> generated, Func<string, GeneratedSigningKey>? generate)
    {
        private static readonly GeneratedSigningKey NoMaterial = new("", "", "", [], "");

        public List<SigningKeyEntity> Keys => keys;

        public DateTimeOffset Now => now;

        public List<SigningKeyEntity> Made { get; } = [];

        public bool Removes { get; private set; }

        /// <summary>A key of <paramref name="algorithm"/> that signs from <paramref name="activatesAt"/> for one rotation period.</summary>
        public SigningKeyEntity Add(DateTimeOffset activatesAt, string algorithm)
        {
            var retiresAt = activatesAt + options.RotationPeriod;
            var row = SigningKeyMaterial.ToEntity(Take(algorithm), now, activatesAt, retiresAt, retiresAt + options.RetainAfterRetire);
            row.Algorithm = algorithm; // a draft's key has no material, but its algorithm says what to generate
            set?.Add(row);
            Made.Add(row);
            return row;
        }

        public void Remove(IEnumerable<SigningKeyEntity> expired)
        {
            var rows = expired.ToList();
            Removes |= rows.Count > 0;
            set?.RemoveRange(rows);
        }

        private GeneratedSigningKey Take(string algorithm)
        {
            if (generate is null)
            {
                return NoMaterial;
            }

            var index = generated.FindIndex(k => k.Algorithm == algorithm);
            if (index < 0)
            {
                return generate(algorithm);
            }

            var key = generated[index];
            generated.RemoveAt(index);
            return key;
        }
    }
}
