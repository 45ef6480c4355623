using Keycard.Storage;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Keycard.Server;

/// <summary>
/// Gives the shared Data Protection key ring its first key before a node serves. Data Protection creates a missing key
/// lazily and activates it at once, so two nodes starting together on an empty PostgreSQL database could each make
/// their own and reject each other's anti-forgery tokens until their key rings refresh (up to a day). Here the first
/// key is made under a PostgreSQL advisory lock: one node creates it, the others find it.
/// </summary>
internal static class SharedKeyRing
{
    // Any constant shared by every node; "Keycard1" in ASCII.
    private const long AdvisoryLockId = 0x4B65_7963_6172_6431;

    public static async Task EnsureKeyAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetRequiredService<DatabaseLocation>().Provider != DatabaseProvider.Postgres)
        {
            // SQLite serves one node; the lazy first key is enough.
            return;
        }

        var db = services.GetRequiredService<KeycardDbContext>();
        var keys = services.GetRequiredService<IKeyManager>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // Held until the transaction ends; the key manager writes on its own connection, so the key is committed
        // before the lock is released and the next node's GetAllKeys sees it.
        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0})", [AdvisoryLockId], cancellationToken);
        if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now))
        {
            var lifetime = services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.NewKeyLifetime;
            keys.CreateNewKey(now, now + lifetime);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
