namespace Keycard.Core.Users;

/// <summary>
/// Brute-force protection for accounts and client secrets (RFC 6749 §10.10; OWASP Authentication Cheat Sheet,
/// "Account Lockout"): after <see cref="MaxFailedAttempts"/> failures the key is locked, and each further failure
/// doubles the lock up to <see cref="MaxLockout"/>. A success resets the count.
/// Passwords are counted twice (OWASP "lockout as a denial-of-service weapon"): per account and source address with
/// <see cref="MaxFailedAttempts"/>, and per account with the higher <see cref="MaxFailedAttemptsPerAccount"/>, which an
/// address where the account signed in within <see cref="KnownAddressLifetime"/> is exempt from.
/// </summary>
public sealed class LockoutOptions
{
    /// <summary>The configuration section this class is bound from (Configuration/KeycardSettings lists it for <c>config show</c>).</summary>
    public const string Section = "Keycard:Lockout";

    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>Failures of one account from every address together before the account locks for unknown addresses.</summary>
    public int MaxFailedAttemptsPerAccount { get; set; } = 20;

    /// <summary>How long an address where the account signed in stays exempt from the per-account lock.</summary>
    public TimeSpan KnownAddressLifetime { get; set; } = TimeSpan.FromDays(30);

    public TimeSpan BaseLockout { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxLockout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Failures older than this no longer count.</summary>
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The lock that <paramref name="failures"/> consecutive failures earn, or null below the threshold.</summary>
    public TimeSpan? LockoutFor(int failures) => LockoutFor(failures, MaxFailedAttempts);

    /// <summary>The lock that <paramref name="failures"/> earn against <paramref name="threshold"/>, or null below it.</summary>
    public TimeSpan? LockoutFor(int failures, int threshold)
    {
        if (failures < threshold)
        {
            return null;
        }

        var doublings = Math.Min(failures - threshold, 20);
        var ticks = BaseLockout.Ticks * (1L << doublings);
        return ticks >= MaxLockout.Ticks || ticks <= 0 ? MaxLockout : TimeSpan.FromTicks(ticks);
    }
}
