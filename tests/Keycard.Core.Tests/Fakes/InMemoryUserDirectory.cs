using Keycard.Core.Storage;
using Keycard.Core.Users;

namespace Keycard.Core.Tests.Fakes;

/// <summary>Profiles by id; alice (the fake authenticator's user) is there unless a test removes or disables her.</summary>
public sealed class InMemoryUserDirectory : IUserDirectory
{
    public Dictionary<int, UserProfile> Profiles { get; } = new()
    {
        [FakeUserAuthenticator.UserId] = new UserProfile { Id = FakeUserAuthenticator.UserId, UserName = FakeUserAuthenticator.UserName },
    };

    public Task<UserProfile?> FindAsync(int userId, CancellationToken cancellationToken) => Task.FromResult(Profiles.GetValueOrDefault(userId));
}
