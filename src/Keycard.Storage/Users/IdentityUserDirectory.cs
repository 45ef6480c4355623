using System.Collections.Concurrent;
using Keycard.Core.Storage;
using Keycard.Core.Users;
using Keycard.Storage.Stores;
using Microsoft.EntityFrameworkCore;

namespace Keycard.Storage.Users;

internal sealed class IdentityUserDirectory(KeycardDbContext db) : IUserDirectory
{
    // One compiled query per provider's context type: a compiled query is bound to the model it first ran against.
    private static readonly ConcurrentDictionary<Type, Func<KeycardDbContext, int, CancellationToken, Task<KeycardUser?>>> FindById = new();

    public async Task<UserProfile?> FindAsync(int userId, CancellationToken cancellationToken)
    {
        var find = FindById.GetOrAdd(db.GetType(), _ => EF.CompileAsyncQuery((KeycardDbContext context, int id, CancellationToken _) =>
            context.Users.AsNoTracking().FirstOrDefault(u => u.Id == id)));
        var user = await find(db, userId, cancellationToken);
        return user is null ? null : ToProfile(user);
    }

    internal static UserProfile ToProfile(KeycardUser user) => new()
    {
        Id = user.Id,
        UserName = user.UserName ?? "",
        FirstName = user.FirstName,
        LastName = user.LastName,
        Email = user.Email ?? "",
        EmailConfirmed = user.EmailConfirmed,
        IsDisabled = user.IsDisabled,
        CreatedAt = TimeMapping.FromMs(user.CreatedAt),
        UpdatedAt = TimeMapping.FromMs(user.UpdatedAt),
        Version = user.ConcurrencyStamp ?? "",
    };
}
