using Keycard.Core.Diagnostics;
using Keycard.Core.Errors;
using Keycard.Core.Storage;

namespace Keycard.Core.Users;

/// <summary>
/// Checks a user's password for every entry point (login page, standard authorize, iOFFICE password endpoint) so that
/// the failure counter is shared. RFC 6749 §10.10 and OWASP: count per account, lock for a growing period, and make
/// an unknown user indistinguishable from a wrong password.
/// </summary>
public sealed class PasswordSignIn(IUserAuthenticator users, IAttemptThrottle throttle, KeycardTelemetry? telemetry = null)
{
    public const int MaxUserNameLength = 256;
    public const int MaxPasswordLength = 1024;

    public const string InvalidCredentials = "The username or password is incorrect.";

    public async Task<Result<int>> SignInAsync(string? userName, string? password, CancellationToken cancellationToken)
    {
        var result = await CheckAsync(userName, password, cancellationToken);
        telemetry?.SignIn(userName, result);
        return result;
    }

    private async Task<Result<int>> CheckAsync(string? userName, string? password, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(userName) || string.IsNullOrEmpty(password))
        {
            return ProtocolError.InvalidRequest("Both a username and a password are required.");
        }

        if (userName.Length > MaxUserNameLength || password.Length > MaxPasswordLength)
        {
            return ProtocolError.InvalidGrant(InvalidCredentials);
        }

        // The key is the name as typed, normalised, so unknown names lock exactly like real ones.
        var key = "user:" + userName.Trim().ToUpperInvariant();
        var status = await throttle.GetStatusAsync(key, cancellationToken);
        if (status.LockedFor is { } wait)
        {
            return ProtocolError.TooManyAttempts("Too many failed sign-ins for this account; try again later.", wait);
        }

        var check = await users.CheckPasswordAsync(userName, password, cancellationToken);
        if (check.Outcome == PasswordCheckOutcome.Success && check.UserId is { } userId)
        {
            if (status.Failures > 0)
            {
                await throttle.RecordSuccessAsync(key, cancellationToken);
            }

            return userId;
        }

        if (check.Outcome == PasswordCheckOutcome.LockedOut)
        {
            return ProtocolError.TooManyAttempts("Too many failed sign-ins for this account; try again later.", check.RetryAfter ?? TimeSpan.FromMinutes(1));
        }

        await throttle.RecordFailureAsync(key, cancellationToken);
        return ProtocolError.InvalidGrant(InvalidCredentials);
    }
}
