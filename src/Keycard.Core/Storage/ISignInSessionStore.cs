using Keycard.Core.Authorization;

namespace Keycard.Core.Storage;

/// <summary>The server side of browser sign-in sessions (the <c>sign_in_sessions</c> table), shared by every node.</summary>
public interface ISignInSessionStore
{
    Task AddAsync(SignInSessionRecord session, CancellationToken cancellationToken);

    Task<SignInSessionRecord?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Ends one session; false when it did not exist or had already ended.</summary>
    Task<bool> EndAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Ends every active session of a user; the number ended.</summary>
    Task<int> EndForUserAsync(int userId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes the sessions that expired or ended before <paramref name="cutoff"/>; the number deleted.</summary>
    Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>The user's sessions that have not expired, newest first (ended ones included, for the operator).</summary>
    Task<IReadOnlyList<SignInSessionRecord>> ListForUserAsync(int userId, DateTimeOffset now, CancellationToken cancellationToken);
}
