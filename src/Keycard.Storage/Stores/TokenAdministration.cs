using Keycard.Storage.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Keycard.Storage.Stores;

/// <summary>
/// The operator's mass revocations: every code and token of one user or one client at once (after a password reset,
/// a leaked secret, a lost device). Other nodes see them within the cache duration (Caching/StoreCacheOptions).
/// </summary>
public sealed class TokenAdministration(KeycardDbContext db, UserManager<KeycardUser> users, TimeProvider time)
{
    /// <summary>
    /// Revokes every live code and token of the user and ends their browser sign-in sessions (a new security stamp
    /// changes the user's version, which every session cookie is bound to). Null when there is no such user.
    /// </summary>
    public async Task<int?> RevokeUserAsync(string userName, CancellationToken cancellationToken)
    {
        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            return null;
        }

        await users.UpdateSecurityStampAsync(user);
        return await RevokeUserTokensAsync(user.Id, cancellationToken);
    }

    /// <summary>
    /// Revokes every live code and token the user holds and ends their server-side sign-in sessions (the
    /// <c>sign_in_sessions</c> rows, so the sessions are over even before the version stamp is checked); returns how
    /// many tokens were revoked.
    /// </summary>
    public async Task<int> RevokeUserTokensAsync(int userId, CancellationToken cancellationToken)
    {
        var nowMs = TimeMapping.ToMs(time.GetUtcNow());
        await db.SignInSessions.Where(s => s.UserId == userId && s.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, nowMs), cancellationToken);
        return await db.Tokens.Where(t => t.UserId == userId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, nowMs), cancellationToken);
    }

    /// <summary>Revokes every live code and token issued to the client. Null when there is no such client.</summary>
    public async Task<int?> RevokeClientAsync(string clientId, CancellationToken cancellationToken)
    {
        if (!await db.Clients.AnyAsync(c => c.ClientId == clientId, cancellationToken))
        {
            return null;
        }

        var nowMs = TimeMapping.ToMs(time.GetUtcNow());
        return await db.Tokens.Where(t => t.ClientId == clientId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, nowMs), cancellationToken);
    }
}
