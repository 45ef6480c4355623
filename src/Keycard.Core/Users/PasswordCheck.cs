namespace Keycard.Core.Users;

public enum PasswordCheckOutcome
{
    Success,

    /// <summary>Unknown user, wrong password or disabled account: indistinguishable to the caller.</summary>
    Invalid,

    LockedOut,
}

public sealed record PasswordCheck(PasswordCheckOutcome Outcome, int? UserId = null, TimeSpan? RetryAfter = null);
