using Keycard.Core.Storage;
using Keycard.Core.Users;

namespace Keycard.Core.Tests.Fakes;

/// <summary>One user, alice (id 7), with one password.</summary>
public sealed class FakeUserAuthenticator : IUserAuthenticator
{
    public const string UserName = "alice";
    public const string Password = "correct horse battery staple";
    public const int UserId = 7;

    private int _checks;

    public int Checks => Volatile.Read(ref _checks);

    /// <summary>How long each check takes, like a slow password hash; concurrent attempts overlap inside it.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    public async Task<PasswordCheck> CheckPasswordAsync(string userName, string password, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _checks);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, cancellationToken);
        }

        return userName == UserName && password == Password
            ? new PasswordCheck(PasswordCheckOutcome.Success, UserId)
            : new PasswordCheck(PasswordCheckOutcome.Invalid);
    }
}
