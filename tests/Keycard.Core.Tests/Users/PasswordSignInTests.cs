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
        var unknown = await _core.SignIn.SignInAsync("mallory", "whatever", CancellationToken.None);
        var wrong = await SignInAsync("whatever");

        Assert.Equal(wrong.Error, unknown.Error);
    }

    [Fact]
    public async Task SignIn_UnknownUser_LocksLikeARealOne()
    {
        for (var i = 0; i < _core.Lockout.MaxFailedAttempts; i++)
        {
            await _core.SignIn.SignInAsync("mallory", "whatever", CancellationToken.None);
        }

        var result = await _core.SignIn.SignInAsync("Mallory ", "whatever", CancellationToken.None);

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

    private Task<Result<int>> SignInAsync(string password) =>
        _core.SignIn.SignInAsync(FakeUserAuthenticator.UserName, password, CancellationToken.None);
}
