using Keycard.Core.Storage;
using Keycard.Core.Users;
using Keycard.Storage.Users;

namespace Keycard.Storage.Caching;

/// <summary>The REST API's user lookups from memory, for at most the cache duration (a disabled user is refused within it).</summary>
internal sealed class CachingUserDirectory(IdentityUserDirectory inner, StoreCache cache) : IUserDirectory
{
    public async Task<UserProfile?> FindAsync(int userId, CancellationToken cancellationToken)
    {
        var key = "u:" + userId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (cache.TryGet<UserProfile>(key, out var cached) && cached is not null)
        {
            return cached;
        }

        var user = await inner.FindAsync(userId, cancellationToken);
        if (user is not null)
        {
            cache.Set(key, user);
        }

        return user;
    }
}
