using Microsoft.EntityFrameworkCore;

namespace Keycard.Storage.DataProtection;

/// <summary>
/// A PostgreSQL advisory lock held for a transaction, so nodes starting together on an empty database make one
/// first Data Protection key between them, not one each.
/// </summary>
public static class KeyRingLock
{
    // Any constant shared by every node; "Keycard1" in ASCII.
    private const long AdvisoryLockId = 0x4B65_7963_6172_6431;

    /// <summary>Takes the lock inside the current transaction of <paramref name="db"/>; it is released at commit.</summary>
    public static Task AcquireAsync(KeycardDbContext db, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0})", [AdvisoryLockId], cancellationToken);
}
