using Keycard.Core.Users;
using Keycard.Storage.Stores;
using Keycard.Storage.Tokens;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Keycard.Storage.Users;

/// <summary>The operator's user commands, through Identity's <see cref="UserManager{TUser}"/>.</summary>
public sealed class UserAdministration(UserManager<KeycardUser> users, KeycardDbContext db, TokenAdministration tokens, TimeProvider time)
{
    /// <summary>The longest user name and e-mail address the users table keeps (ASP.NET Core Identity's columns).</summary>
    public const int MaxUserNameLength = 256;

    /// <summary>The longest first and last name the users table keeps.</summary>
    public const int MaxNameLength = 200;

    public async Task<(UserProfile? User, IReadOnlyList<string> Errors)> AddAsync(
        string userName, string email, string firstName, string lastName, string password)
    {
        // Longer values do not fit the columns: PostgreSQL refused the row with an exception, SQLite kept it anyway.
        var tooLong = new List<string>();
        AddIfLonger(tooLong, "The user name", userName, MaxUserNameLength);
        AddIfLonger(tooLong, "The e-mail address", email, MaxUserNameLength);
        AddIfLonger(tooLong, "The first name", firstName, MaxNameLength);
        AddIfLonger(tooLong, "The last name", lastName, MaxNameLength);
        if (tooLong.Count > 0)
        {
            return (null, tooLong);
        }

        var now = TimeMapping.ToMs(time.GetUtcNow());
        var user = new KeycardUser
        {
            UserName = userName,
            Email = email,
            FirstName = firstName,
            LastName = lastName,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var result = await users.CreateAsync(user, password);
        return result.Succeeded
            ? (IdentityUserDirectory.ToProfile(user), [])
            : (null, result.Errors.Select(e => e.Description).ToList());
    }

    public async Task<IReadOnlyList<UserProfile>> ListAsync(CancellationToken cancellationToken)
    {
        var all = await db.Users.AsNoTracking().OrderBy(u => u.Id).ToListAsync(cancellationToken);
        return all.ConvertAll(IdentityUserDirectory.ToProfile);
    }

    public async Task<UserProfile?> FindAsync(string userName)
    {
        var user = await users.FindByNameAsync(userName);
        return user is null ? null : IdentityUserDirectory.ToProfile(user);
    }

    public async Task<IReadOnlyList<string>> SetPasswordAsync(string userName, string password, CancellationToken cancellationToken)
    {
        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            return [$"No user named '{userName}'."];
        }

        var token = await users.RemovePasswordAsync(user);
        if (!token.Succeeded)
        {
            return token.Errors.Select(e => e.Description).ToList();
        }

        var result = await users.AddPasswordAsync(user, password);
        if (!result.Succeeded)
        {
            return result.Errors.Select(e => e.Description).ToList();
        }

        user.UpdatedAt = TimeMapping.ToMs(time.GetUtcNow());
        await users.UpdateAsync(user);

        // A password change ends everything the old password opened (issue 12 item 3; RFC 9700 §4.14.2 keeps a
        // stolen refresh token from outliving it): every token is revoked, and the update changed the user's version,
        // which ends every browser sign-in session bound to it (Endpoints/Login/SignInSession).
        await tokens.RevokeUserTokensAsync(user.Id, cancellationToken);
        return [];
    }

    /// <summary>Disables (or re-enables) a user and, on disable, revokes every token they hold.</summary>
    public async Task<bool> SetDisabledAsync(string userName, bool disabled, CancellationToken cancellationToken)
    {
        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            return false;
        }

        user.IsDisabled = disabled;
        user.UpdatedAt = TimeMapping.ToMs(time.GetUtcNow());
        await users.UpdateAsync(user);
        if (disabled)
        {
            await tokens.RevokeUserTokensAsync(user.Id, cancellationToken);
        }

        return true;
    }

    public async Task<bool> RemoveAsync(string userName, CancellationToken cancellationToken)
    {
        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            return false;
        }

        // The families are read before their rows go, and running nodes are told after (RevocationBroadcast).
        var tokens = db.Tokens.Where(t => t.UserId == user.Id);
        var families = db.Database.IsNpgsql() ? await tokens.Select(t => t.FamilyId).Distinct().ToListAsync(cancellationToken) : [];
        await tokens.ExecuteDeleteAsync(cancellationToken);

        // Consents too: a later user given the same id must be asked again (issue 16).
        await db.Consents.Where(c => c.UserId == user.Id).ExecuteDeleteAsync(cancellationToken);
        var result = await users.DeleteAsync(user);
        await RevocationBroadcast.NotifyAsync(db.Database, families.ConvertAll(RevocationBroadcast.FamilyPayload), cancellationToken);
        return result.Succeeded;
    }

    private static void AddIfLonger(List<string> errors, string what, string value, int maxLength)
    {
        if (value.Length > maxLength)
        {
            errors.Add($"{what} is longer than {maxLength} characters.");
        }
    }
}
