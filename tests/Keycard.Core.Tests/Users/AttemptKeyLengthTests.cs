using Keycard.Core.Errors;
using Keycard.Core.Storage;
using Keycard.Core.Tests.Fakes;
using Keycard.Core.Users;
using Microsoft.Extensions.Options;

namespace Keycard.Core.Tests.Users;

/// <summary>
/// Session 9 audit: throttle keys carry client input and the source address, and the stores keep keys of at most
/// <see cref="AttemptKeys.MaxLength"/> characters (PostgreSQL refused a longer one, and the sign-in answered 500). A
/// longest user name from a full IPv6 address still counts and locks (RFC 6749 §10.10), under a bounded key.
/// </summary>
public sealed class AttemptKeyLengthTests
{
    private const string FullIPv6 = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";

    private readonly CoreHarness _core = new();

    [Fact]
    public async Task SignIn_LongestUserNameFromFullIPv6Address_CountsUnderBoundedKeysAndLocks()
    {
        var throttle = new ColumnLengthThrottle(_core.Throttle);
        var signIn = new PasswordSignIn(_core.Users, throttle, Options.Create(_core.Lockout));
        var userName = new string('u', PasswordSignIn.MaxUserNameLength);

        for (var i = 0; i < _core.Lockout.MaxFailedAttempts; i++)
        {
            var failed = await signIn.SignInAsync(userName, "wrong", FullIPv6, CancellationToken.None);
            Assert.Equal(OAuthErrorCodes.InvalidGrant, failed.Error?.Code);
        }

        var locked = await signIn.SignInAsync(userName, "wrong", FullIPv6, CancellationToken.None);

        Assert.Equal(OAuthErrorCodes.TooManyAttempts, locked.Error?.Code);
    }

    [Fact]
    public void Bound_LongKeys_DifferAndKeepTheirKind()
    {
        var one = AttemptKeys.Bound("user:" + new string('a', 400));
        var two = AttemptKeys.Bound("user:" + new string('b', 400));

        Assert.StartsWith("user:sha256:", one, StringComparison.Ordinal);
        Assert.NotEqual(one, two);
        Assert.True(one.Length <= AttemptKeys.MaxLength);
        Assert.Equal("user:ALICE@10.0.0.1", AttemptKeys.Bound("user:ALICE@10.0.0.1"));
    }

    /// <summary>The database's rule, in memory: a key longer than the column is refused.</summary>
    private sealed class ColumnLengthThrottle(IAttemptThrottle inner) : IAttemptThrottle
    {
        public Task<AttemptStatus> GetStatusAsync(string key, CancellationToken cancellationToken) => inner.GetStatusAsync(Fits(key), cancellationToken);

        public Task<TimeSpan?> RecordFailureAsync(string key, CancellationToken cancellationToken) => inner.RecordFailureAsync(Fits(key), cancellationToken);

        public Task RecordSuccessAsync(string key, CancellationToken cancellationToken) => inner.RecordSuccessAsync(Fits(key), cancellationToken);

        public Task<TimeSpan?> TryReserveAsync(string key, int threshold, CancellationToken cancellationToken) => inner.TryReserveAsync(Fits(key), threshold, cancellationToken);

        public Task ReleaseAsync(string key, CancellationToken cancellationToken) => inner.ReleaseAsync(Fits(key), cancellationToken);

        public Task RememberAsync(string key, CancellationToken cancellationToken) => inner.RememberAsync(Fits(key), cancellationToken);

        public Task<bool> IsRememberedAsync(string key, TimeSpan within, CancellationToken cancellationToken) => inner.IsRememberedAsync(Fits(key), within, cancellationToken);

        private static string Fits(string key) =>
            key.Length <= AttemptKeys.MaxLength ? key : throw new InvalidOperationException($"value too long for type character varying({AttemptKeys.MaxLength}): {key.Length}");
    }
}
