using Keycard.Core.Users;

namespace Keycard.Core.Storage;

public interface IUserDirectory
{
    Task<UserProfile?> FindAsync(int userId, CancellationToken cancellationToken);
}
