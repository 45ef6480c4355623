using System.Collections.Concurrent;
using Keycard.Core.Authorization;
using Keycard.Core.Storage;

namespace Keycard.Core.Tests.Fakes;

public sealed class InMemorySignInSessionStore : ISignInSessionStore
{
    public ConcurrentDictionary<string, SignInSessionRecord> All { get; } = new(StringComparer.Ordinal);

    public Task AddAsync(SignInSessionRecord session, CancellationToken cancellationToken)
    {
        All[session.Id] = session;
        return Task.CompletedTask;
    }

    public Task<SignInSessionRecord?> FindAsync(string id, CancellationToken cancellationToken) => Task.FromResult(All.GetValueOrDefault(id));

    public Task<bool> EndAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (All.TryGetValue(id, out var session) && session.EndedAt is null)
        {
            All[id] = session with { EndedAt = now };
            return Task.FromResult(true);
        }

        return Task.FromResult(false);
    }

    public Task<int> EndForUserAsync(int userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ended = 0;
        foreach (var session in All.Values.Where(s => s.UserId == userId && s.EndedAt is null))
        {
            All[session.Id] = session with { EndedAt = now };
            ended++;
        }

        return Task.FromResult(ended);
    }

    public Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var removed = All.Values.Where(s => s.ExpiresAt < cutoff || s.EndedAt < cutoff).ToList();
        removed.ForEach(s => All.TryRemove(s.Id, out _));
        return Task.FromResult(removed.Count);
    }

    public Task<IReadOnlyList<SignInSessionRecord>> ListForUserAsync(int userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SignInSessionRecord>>([.. All.Values.Where(s => s.UserId == userId && now < s.ExpiresAt).OrderByDescending(s => s.AuthTime)]);
}
