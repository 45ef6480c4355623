using Keycard.Storage;
using Keycard.Storage.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Keycard.Server;

/// <summary>
/// Readies the shared Data Protection key ring before a node serves. The ring is encrypted at rest with the
/// <see cref="KeyEncryptionKey"/>, which never lives in the database (issue 12 item 4): keys stored before that in
/// plain form are deleted here, ending the sessions they signed, so no copy of the database taken from now on can mint
/// a sign-in cookie. Data Protection also creates a missing key lazily and activates it at once, so two nodes starting
/// together on an empty PostgreSQL database could each make their own and reject each other's anti-forgery tokens
/// until their key rings refresh (up to a day); the first key is made under an advisory lock instead.
/// </summary>
internal static partial class SharedKeyRing
{
    // Data Protection writes this element only for a secret left unencrypted.
    private const string PlaintextSecretMarker = "<masterKey";

    public static async Task EnsureKeyAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var kek = services.GetRequiredService<KeyEncryptionKey>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Keycard.Server.KeyRing");
        if (kek.Generated)
        {
            LogGenerated(logger, kek.Source);
        }

        var db = services.GetRequiredService<KeycardDbContext>();
        var postgres = services.GetRequiredService<DatabaseLocation>().Provider == DatabaseProvider.Postgres;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (postgres)
        {
            // Held until the transaction ends; the key manager writes on its own connection, so the key is committed
            // before the lock is released and the next node's GetAllKeys sees it.
            await KeyRingLock.AcquireAsync(db, cancellationToken);
        }

        var plaintext = await db.DataProtectionKeys.Where(k => k.Xml != null && k.Xml.Contains(PlaintextSecretMarker)).ExecuteDeleteAsync(cancellationToken);
        if (plaintext > 0)
        {
            LogPlaintextKeysRemoved(logger, plaintext);
        }

        var keys = services.GetRequiredService<IKeyManager>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if ((postgres || plaintext > 0) && !keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now))
        {
            var lifetime = services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.NewKeyLifetime;
            keys.CreateNewKey(now, now + lifetime);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message =
        "Generated the key-encryption key {Path} (owner-only). It encrypts the sign-in key ring stored in the database: back it up " +
        "separately from the database and keep it secret. A backup of the database alone cannot be used to sign in; without this file, " +
        "existing sign-in sessions end. Several nodes must share it (docs/deployment.md).")]
    private static partial void LogGenerated(ILogger logger, string path);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message =
        "Deleted {Count} Data Protection keys stored unencrypted by an earlier version; browsers signed in with them sign in again.")]
    private static partial void LogPlaintextKeysRemoved(ILogger logger, int count);
}
