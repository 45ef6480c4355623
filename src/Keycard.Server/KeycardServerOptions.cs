namespace Keycard.Server;

/// <summary>Server settings bound from the "Keycard" configuration section (appsettings, KEYCARD_ env, command line).</summary>
public sealed class KeycardServerOptions
{
    /// <summary>Background pruning of expired and revoked tokens.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long after expiry or revocation a row is kept before pruning.</summary>
    public TimeSpan PruneRetention { get; set; } = TimeSpan.FromHours(1);
}
