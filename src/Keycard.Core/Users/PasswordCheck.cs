namespace Keycard.Core.Users;

/// <summary>
/// What a password check found. Lockout is not an outcome here: PasswordSignIn's attempt throttle refuses before the
/// password is checked, so the authenticator only tells a right password from everything else.
/// </summary>
public enum PasswordCheckOutcome
{
    Success,

    /// <summary>Unknown user, wrong password or disabled account: indistinguishable to the caller.</summary>
    Invalid,
}

public sealed record PasswordCheck(PasswordCheckOutcome Outcome, int? UserId = null);
