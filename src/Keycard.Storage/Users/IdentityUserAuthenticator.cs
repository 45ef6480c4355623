using Keycard.Core.Storage;
using Keycard.Core.Users;
using Microsoft.AspNetCore.Identity;

namespace Keycard.Storage.Users;

/// <summary>
/// Password checks through ASP.NET Core Identity: its hasher (PBKDF2, rehash on upgrade inside
/// <see cref="UserManager{TUser}.CheckPasswordAsync"/>). An unknown or disabled user costs one hash like a real one
/// (OWASP Authentication Cheat Sheet: identical responses and timing).
/// </summary>
internal sealed class IdentityUserAuthenticator(UserManager<KeycardUser> users, IPasswordHasher<KeycardUser> hasher) : IUserAuthenticator
{
    private static readonly KeycardUser DummyUser = new() { UserName = "dummy" };
    private static string? s_dummyHash;

    public async Task<PasswordCheck> CheckPasswordAsync(string userName, string password, CancellationToken cancellationToken)
    {
        var user = await users.FindByNameAsync(userName);
        if (user is null || user.IsDisabled || user.PasswordHash is null)
        {
            s_dummyHash ??= hasher.HashPassword(DummyUser, Guid.NewGuid().ToString("N"));
            hasher.VerifyHashedPassword(DummyUser, s_dummyHash, password);
            return new PasswordCheck(PasswordCheckOutcome.Invalid);
        }

        return await users.CheckPasswordAsync(user, password)
            ? new PasswordCheck(PasswordCheckOutcome.Success, user.Id)
            : new PasswordCheck(PasswordCheckOutcome.Invalid);
    }
}
