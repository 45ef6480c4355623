using Keycard.Core.Users;

namespace Keycard.Core.Storage;

/// <summary>
/// Checks a username and password with the user store's hasher and lockout. Implementations must make an unknown
/// user and a wrong password look identical, in answer and in time (OWASP Authentication Cheat Sheet).
/// </summary>
public interface IUserAuthenticator
{
    Task<PasswordCheck> CheckPasswordAsync(string userName, string password, CancellationToken cancellationToken);
}
