using Keycard.Core.Storage;
using Keycard.Core.Users;
using Keycard.Storage.Users;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Storage.Caching;

/// <summary>
/// The REST API's user lookups from memory, for at most the cache duration (a disabled user is refused within it).
/// A hit leases no DbContext: the Identity store is resolved only on a miss.
/// </summary>
internal sealed class CachingUserDirectory(IServiceProvider services, StoreCache cache) : IUserDirectory
{
    private IdentityUserDirectory? _inner;

    public async Task<UserProfile?> FindAsync(int userId, CancellationToken cancellationToken)
    {
        var key = "u:" + userId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (cache.TryGet<UserProfile>(key, out var cached) && cached is not null)
        {
            return cached;
        }

        var user = await Inner.FindAsync(userId, cancellationToken);
        if (user is not null)
        {
            cache.Set(key, user);
        }

        return user;
    }

    /// <summary>The Identity store, resolved (and a pooled DbContext leased) only when the cache cannot answer.</summary>
    private IdentityUserDirectory Inner => _inner ??= services.GetRequiredService<IdentityUserDirectory>();
}
