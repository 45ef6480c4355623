using Keycard.Core.Errors;
using Keycard.Core.Tests.Fakes;

namespace Keycard.Core.Tests.Users;

/// <summary>RFC 6749 §10.10 and the OWASP Authentication Cheat Sheet: per-account counting and a growing lock.</summary>
public sealed class PasswordSignInTests
{
    private readonly CoreHarness _core = new();

    [Fact]
    public async Task SignIn_AfterMaxFailures_LocksEvenTheRightPasswordWithoutCheckingIt()
    {
        for (var i = 0; i < _core.Lockout.MaxFailedAttempts; i++)
        {
            await SignInAsync("wrong");
        }

        var checks = _core.Users.Checks;
        var result = await SignInAsync(FakeUserAuthenticator.Password);

        Assert.Equal(OAuthErrorCodes.TooManyAttempts, result.Error?.Code);
        Assert.Equal(TimeSpan.FromMinutes(1), result.Error?.RetryAfter);
        Assert.Equal(checks, _core.Users.Checks);
    }

    [Fact]
    public async Task SignIn_EachFailureAfterALock_DoublesTheLock()
    {
        for (var i = 0; i < _core.Lockout.MaxFailedAttempts; i++)
        {
            await SignInAsync("wrong");
        }

        _core.Time.Advance(TimeSpan.FromMinutes(1));
        await SignInAsync("wrong");
        var second = await SignInAsync(FakeUserAuthenticator.Password);
        _core.Time.Advance(TimeSpan.FromMinutes(2));
        await SignInAsync("wrong");
        var third = await SignInAsync(FakeUserAuthenticator.Password);

        Assert.Equal(TimeSpan.FromMinutes(2), second.Error?.RetryAfter);
        Assert.Equal(TimeSpan.FromMinutes(4), third.Error?.RetryAfter);
    }

    [Fact]
    public async Task SignIn_UnknownUserAndWrongPassword_GiveTheSameError()
    {
        var unknown = await _core.SignIn.SignInAsync("mallory", "whatever", Attacker, CancellationToken.None);
        var wrong = await SignInAsync("whatever");

        Assert.Equal(wrong.Error, unknown.Error);
    }

    [Fact]
    public async Task SignIn_UnknownUser_LocksLikeARealOne()
    {
        for (var i = 0; i < _core.Lockout.MaxFailedAttempts; i++)
        {
            await _core.SignIn.SignInAsync("mallory", "whatever", Attacker, CancellationToken.None);
        }

        var result = await _core.SignIn.SignInAsync("Mallory ", "whatever", Attacker, CancellationToken.None);

        Assert.Equal(OAuthErrorCodes.TooManyAttempts, result.Error?.Code);
    }

    [Fact]
    public async Task SignIn_SuccessBelowTheThreshold_ResetsTheCount()
    {
        for (var i = 0; i < _core.Lockout.MaxFailedAttempts - 1; i++)
        {
            await SignInAsync("wrong");
        }

        Assert.True((await SignInAsync(FakeUserAuthenticator.Password)).IsSuccess);
        for (var i = 0; i < _core.Lockout.MaxFailedAttempts - 1; i++)
        {
            await SignInAsync("wrong");
        }

        Assert.True((await SignInAsync(FakeUserAuthenticator.Password)).IsSuccess);
    }

    [Fact]
    public async Task SignIn_BurstOf50ConcurrentAttempts_ChecksAtMostTheLimit()
    {
        // Issue 12 item 2: each attempt is reserved before the slow hash, so a burst cannot pass the limit while the
        // first hashes run (RFC 6749 §10.10; OWASP Authentication Cheat Sheet, "Account Lockout").
        _core.Users.Delay = TimeSpan.FromMilliseconds(50);

        var attempts = Enumerable.Range(0, 50).Select(i => Task.Run(() =>
            _core.SignIn.SignInAsync(FakeUserAuthenticator.UserName, i == 25 ? FakeUserAuthenticator.Password : "wrong " + i, Attacker, CancellationToken.None)));
        var results = await Task.WhenAll(attempts);

        Assert.True(_core.Users.Checks <= _core.Lockout.MaxFailedAttempts, $"{_core.Users.Checks} passwords were checked");
        Assert.Equal(50 - _core.Users.Checks, results.Count(r => r.Error?.Code == OAuthErrorCodes.TooManyAttempts));
    }

    [Fact]
    public async Task SignIn_ManyAddressesGuessing_ChecksAtMostThePerAccountLimit()
    {
        // OWASP: a global per-account bound caps guesses spread over many addresses.
        for (var i = 0; i < 100; i++)
        {
            await _core.SignIn.SignInAsync(FakeUserAuthenticator.UserName, "wrong", "198.51.100." + i, CancellationToken.None);
        }

        Assert.Equal(_core.Lockout.MaxFailedAttemptsPerAccount, _core.Users.Checks);
    }

    [Fact]
    public async Task SignIn_AttackerElsewhereLockedTheAccount_KnownAddressStillSignsIn()
    {
        // OWASP "lockout as a denial-of-service weapon": failures from elsewhere must not lock the user out of the
        // address they normally sign in from.
        Assert.True((await SignInAsync(FakeUserAuthenticator.Password)).IsSuccess);
        for (var i = 0; i < 100; i++)
        {
            await _core.SignIn.SignInAsync(FakeUserAuthenticator.UserName, "wrong", "198.51.100." + i, CancellationToken.None);
        }

        var stranger = await _core.SignIn.SignInAsync(FakeUserAuthenticator.UserName, FakeUserAuthenticator.Password, "203.0.113.50", CancellationToken.None);
        var user = await SignInAsync(FakeUserAuthenticator.Password);

        Assert.Equal(OAuthErrorCodes.TooManyAttempts, stranger.Error?.Code);
        Assert.True(user.IsSuccess);
    }

    [Fact]
    public async Task SignIn_OneAddressLocked_OtherAddressStillChecked()
    {
        for (var i = 0; i < _core.Lockout.MaxFailedAttempts; i++)
        {
            await _core.SignIn.SignInAsync(FakeUserAuthenticator.UserName, "wrong", Attacker, CancellationToken.None);
        }

        var attacker = await _core.SignIn.SignInAsync(FakeUserAuthenticator.UserName, FakeUserAuthenticator.Password, Attacker, CancellationToken.None);
        var user = await SignInAsync(FakeUserAuthenticator.Password);

        Assert.Equal(OAuthErrorCodes.TooManyAttempts, attacker.Error?.Code);
        Assert.True(user.IsSuccess);
    }

    private const string UserAddress = "192.0.2.7";
    private const string Attacker = "198.51.100.1";

    private Task<Result<int>> SignInAsync(string password) =>
        _core.SignIn.SignInAsync(FakeUserAuthenticator.UserName, password, UserAddress, CancellationToken.None);
}
