namespace Keycard.Core.Storage;

/// <summary>
/// Failed-attempt counters kept in the database so every node sees them (RFC 6749 §10.10, OWASP brute-force guidance).
/// Keys name what is counted: "user:{name}", "user:{name}@{address}", "client:{id}@{address}", at most
/// <see cref="AttemptKeys.MaxLength"/> characters (<see cref="AttemptKeys.Bound"/>).
/// </summary>
public interface IAttemptThrottle
{
    Task<AttemptStatus> GetStatusAsync(string key, CancellationToken cancellationToken);

    /// <summary>Counts a failure; returns the lockout it started, if any.</summary>
    Task<TimeSpan?> RecordFailureAsync(string key, CancellationToken cancellationToken);

    /// <summary>Forgets every failure of the key.</summary>
    Task RecordSuccessAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one attempt as a failure before it is checked, atomically across nodes: null when the attempt may go
    /// ahead, or how long the key stays locked (nothing counted). The attempt that reaches
    /// <paramref name="threshold"/> starts the lock, so however many arrive at once, at most
    /// <paramref name="threshold"/> are let through per lock period.
    /// </summary>
    Task<TimeSpan?> TryReserveAsync(string key, int threshold, CancellationToken cancellationToken);

    /// <summary>Gives back one reserved attempt (the check succeeded): the count drops by one, never below zero.</summary>
    Task ReleaseAsync(string key, CancellationToken cancellationToken);

    /// <summary>Remembers that the key (an account and address) signed in successfully now.</summary>
    Task RememberAsync(string key, CancellationToken cancellationToken);

    /// <summary>Whether the key signed in successfully within <paramref name="within"/>.</summary>
    Task<bool> IsRememberedAsync(string key, TimeSpan within, CancellationToken cancellationToken);
}

/// <summary>Recent failures of a key and, when locked, how long the lock still holds.</summary>
public readonly record struct AttemptStatus(int Failures, TimeSpan? LockedFor)
{
    public static readonly AttemptStatus Clean = new(0, null);
}
