using Keycard.Core.Storage;
using Keycard.Core.Users;
using Keycard.Storage.Stores;
using Microsoft.EntityFrameworkCore;

namespace Keycard.Storage.Users;

internal sealed class IdentityUserDirectory(KeycardDbContext db) : IUserDirectory
{
    private static readonly Func<KeycardDbContext, int, CancellationToken, Task<KeycardUser?>> FindById =
        EF.CompileAsyncQuery((KeycardDbContext context, int id, CancellationToken _) =>
            context.Users.AsNoTracking().FirstOrDefault(u => u.Id == id));

    public async Task<UserProfile?> FindAsync(int userId, CancellationToken cancellationToken)
    {
        var user = await FindById(db, userId, cancellationToken);
        return user is null ? null : ToProfile(user);
    }

    internal static UserProfile ToProfile(KeycardUser user) => new()
    {
        Id = user.Id,
        UserName = user.UserName ?? "",
        FirstName = user.FirstName,
        LastName = user.LastName,
        Email = user.Email ?? "",
        IsDisabled = user.IsDisabled,
        CreatedAt = TimeMapping.FromMs(user.CreatedAt),
        UpdatedAt = TimeMapping.FromMs(user.UpdatedAt),
        Version = user.ConcurrencyStamp ?? "",
    };
}
