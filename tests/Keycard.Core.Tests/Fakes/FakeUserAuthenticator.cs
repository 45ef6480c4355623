using Keycard.Core.Storage;
using Keycard.Core.Users;

namespace Keycard.Core.Tests.Fakes;

/// <summary>One user, alice (id 7), with one password.</summary>
public sealed class FakeUserAuthenticator : IUserAuthenticator
{
    public const string UserName = "alice";
    public const string Password = "correct horse battery staple";
    public const int UserId = 7;

    public int Checks { get; private set; }

    public Task<PasswordCheck> CheckPasswordAsync(string userName, string password, CancellationToken cancellationToken)
    {
        Checks++;
        return Task.FromResult(userName == UserName && password == Password
            ? new PasswordCheck(PasswordCheckOutcome.Success, UserId)
            : new PasswordCheck(PasswordCheckOutcome.Invalid));
    }
}
