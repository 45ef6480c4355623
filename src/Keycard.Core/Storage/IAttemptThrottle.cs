namespace Keycard.Core.Storage;

/// <summary>
/// Failed-attempt counters kept in the database so every node sees them (RFC 6749 §10.10, OWASP brute-force guidance).
/// Keys name what is counted: "user:{name}", "client:{id}".
/// </summary>
public interface IAttemptThrottle
{
    Task<AttemptStatus> GetStatusAsync(string key, CancellationToken cancellationToken);

    /// <summary>Counts a failure; returns the lockout it started, if any.</summary>
    Task<TimeSpan?> RecordFailureAsync(string key, CancellationToken cancellationToken);

    Task RecordSuccessAsync(string key, CancellationToken cancellationToken);
}

/// <summary>Recent failures of a key and, when locked, how long the lock still holds.</summary>
public readonly record struct AttemptStatus(int Failures, TimeSpan? LockedFor)
{
    public static readonly AttemptStatus Clean = new(0, null);
}
