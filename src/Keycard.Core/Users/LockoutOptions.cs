namespace Keycard.Core.Users;

/// <summary>
/// Brute-force protection for accounts and client secrets (RFC 6749 §10.10; OWASP Authentication Cheat Sheet,
/// "Account Lockout"): after <see cref="MaxFailedAttempts"/> failures the key is locked, and each further failure
/// doubles the lock up to <see cref="MaxLockout"/>. A success resets the count.
/// </summary>
public sealed class LockoutOptions
{
    public int MaxFailedAttempts { get; set; } = 5;

    public TimeSpan BaseLockout { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxLockout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Failures older than this no longer count.</summary>
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The lock that <paramref name="failures"/> consecutive failures earn, or null below the threshold.</summary>
    public TimeSpan? LockoutFor(int failures)
    {
        if (failures < MaxFailedAttempts)
        {
            return null;
        }

        var doublings = Math.Min(failures - MaxFailedAttempts, 20);
        var ticks = BaseLockout.Ticks * (1L << doublings);
        return ticks >= MaxLockout.Ticks || ticks <= 0 ? MaxLockout : TimeSpan.FromTicks(ticks);
    }
}
