using Keycard.Storage;

namespace Keycard.Server;

/// <summary>Server settings bound from the "Keycard" configuration section (appsettings, KEYCARD_ env, command line).</summary>
public sealed class KeycardServerOptions
{
    /// <summary>The configuration section this class is bound from (Configuration/KeycardSettings lists it for <c>config show</c>).</summary>
    public const string Section = "Keycard";

    /// <summary>Background pruning of expired and revoked tokens.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long after expiry or revocation a row is kept before pruning.</summary>
    public TimeSpan PruneRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long the login page's sign-in cookie lasts (read by Endpoints/Login/SignInSession).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// On SIGTERM or Ctrl+C: how long Keycard waits for in-flight requests (and so their token writes) before it exits
    /// anyway (HostOptions.ShutdownTimeout). A systemd unit's TimeoutStopSec should be longer.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Serve the Scalar API reference page at /reference (always on with --demo).</summary>
    public bool ApiReference { get; set; }

    /// <summary>
    /// The thread pool's minimum worker count; unset, <see cref="KeycardServer.PoolFloor"/> decides by database (4 on
    /// SQLite, the runtime's own on PostgreSQL; its summary says why).
    /// </summary>
    public int? MinPoolThreads { get; set; }

    /// <summary>The deadline of every database operation (DatabaseLocation.Timeout; docs/reliability.md).</summary>
    public TimeSpan DatabaseTimeout { get; set; } = DatabaseLocation.DefaultTimeout;

    /// <summary>On PostgreSQL, keep the server's synchronous_commit instead of forcing it on (DatabaseLocation.WithSynchronousCommit).</summary>
    public bool AllowAsyncCommit { get; set; }
}
