using Keycard.Core.Diagnostics;
using Keycard.Core.Errors;
using Keycard.Core.Storage;
using Microsoft.Extensions.Options;

namespace Keycard.Core.Users;

/// <summary>
/// Checks a user's password for every entry point (login page, standard authorize, iOFFICE password endpoint) so that
/// the failure counters are shared. RFC 6749 §10.10 and the OWASP Authentication Cheat Sheet: count failures, lock for
/// a growing period, and make an unknown user indistinguishable from a wrong password.
/// </summary>
/// <remarks>
/// Each attempt is reserved in the database before the slow hash runs and given back only when it succeeds, so
/// concurrent guesses (on one node or many) cannot pass the limit: at most the limit are hashed per lock period.
/// Failures count per (account, source address) and, with a higher bound, per account; an address where the account
/// signed in recently is exempt from the per-account bound, so an attacker elsewhere cannot lock the user out of the
/// device they normally use (OWASP: "lockout as a denial-of-service weapon").
/// </remarks>
public sealed class PasswordSignIn(IUserAuthenticator users, IAttemptThrottle throttle, IOptions<LockoutOptions> options, KeycardTelemetry? telemetry = null)
{
    public const int MaxUserNameLength = 256;
    public const int MaxPasswordLength = 1024;

    public const string InvalidCredentials = "The username or password is incorrect.";

    private const string Locked = "Too many failed sign-ins for this account; try again later.";

    public async Task<Result<int>> SignInAsync(string? userName, string? password, string? sourceAddress, CancellationToken cancellationToken)
    {
        var result = await CheckAsync(userName, password, sourceAddress, cancellationToken);
        telemetry?.SignIn(userName, result);
        return result;
    }

    private async Task<Result<int>> CheckAsync(string? userName, string? password, string? sourceAddress, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(userName) || string.IsNullOrEmpty(password))
        {
            return ProtocolError.InvalidRequest("Both a username and a password are required.");
        }

        if (userName.Length > MaxUserNameLength || password.Length > MaxPasswordLength)
        {
            return ProtocolError.InvalidGrant(InvalidCredentials);
        }

        // The keys are the name as typed, normalised, so unknown names lock exactly like real ones.
        var lockout = options.Value;
        // Bounded to what the stores keep: a long name from a full IPv6 address is longer (AttemptKeys.Bound).
        var account = "user:" + userName.Trim().ToUpperInvariant();
        var address = account + "@" + (string.IsNullOrEmpty(sourceAddress) ? "unknown" : sourceAddress);
        var accountKey = AttemptKeys.Bound(account);
        var addressKey = AttemptKeys.Bound(address);
        var knownKey = AttemptKeys.Bound("known:" + address);
        var knownAddress = !string.IsNullOrEmpty(sourceAddress)
            && await throttle.IsRememberedAsync(knownKey, lockout.KnownAddressLifetime, cancellationToken);

        if (await throttle.TryReserveAsync(addressKey, lockout.MaxFailedAttempts, cancellationToken) is { } addressWait)
        {
            return ProtocolError.TooManyAttempts(Locked, addressWait);
        }

        if (!knownAddress && await throttle.TryReserveAsync(accountKey, lockout.MaxFailedAttemptsPerAccount, cancellationToken) is { } accountWait)
        {
            // Nothing was checked: the per-address reservation goes back.
            await throttle.ReleaseAsync(addressKey, cancellationToken);
            return ProtocolError.TooManyAttempts(Locked, accountWait);
        }

        var check = await users.CheckPasswordAsync(userName, password, cancellationToken);
        if (check.Outcome == PasswordCheckOutcome.Success && check.UserId is { } userId)
        {
            // This address's failures end with the success; the account-wide count only gets this attempt back, so
            // the user's sign-in does not wipe out what an attacker elsewhere has spent.
            await throttle.RecordSuccessAsync(addressKey, cancellationToken);
            if (!knownAddress)
            {
                await throttle.ReleaseAsync(accountKey, cancellationToken);
            }

            if (!string.IsNullOrEmpty(sourceAddress))
            {
                await throttle.RememberAsync(knownKey, cancellationToken);
            }

            return userId;
        }

        // The failure was counted when it was reserved.
        return ProtocolError.InvalidGrant(InvalidCredentials);
    }
}
