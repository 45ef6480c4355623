using Keycard.Core.Storage;
using Keycard.Core.Tokens;

namespace Keycard.Core.Tests.Fakes;

/// <summary>The <see cref="ITokenStore"/> contract in memory, one lock for atomicity.</summary>
public sealed class InMemoryTokenStore : ITokenStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StoredToken> _tokens = [];

    public IReadOnlyList<StoredToken> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _tokens.Values];
            }
        }
    }

    public Task AddAsync(IReadOnlyList<StoredToken> tokens, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var token in tokens)
            {
                _tokens.Add(Key(token.Hash), token);
            }
        }

        return Task.CompletedTask;
    }

    public Task<StoredToken?> FindAsync(byte[] hash, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_tokens.GetValueOrDefault(Key(hash)));
        }
    }

    public Task<bool> ExchangeAsync(byte[] consumedHash, DateTimeOffset now, IReadOnlyList<StoredToken> issued, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_tokens.TryGetValue(Key(consumedHash), out var token) || token.ConsumedAt is not null || token.RevokedAt is not null)
            {
                return Task.FromResult(false);
            }

            _tokens[Key(consumedHash)] = token with { ConsumedAt = now };
            foreach (var added in issued)
            {
                _tokens.Add(Key(added.Hash), added);
            }

            return Task.FromResult(true);
        }
    }

    public Task<bool> RevokeAsync(byte[] hash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_tokens.TryGetValue(Key(hash), out var token) || token.RevokedAt is not null)
            {
                return Task.FromResult(false);
            }

            _tokens[Key(hash)] = token with { RevokedAt = now };
            return Task.FromResult(true);
        }
    }

    public Task<int> RevokeFamilyAsync(string familyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var live = _tokens.Where(p => p.Value.FamilyId == familyId && p.Value.RevokedAt is null).ToList();
            foreach (var (key, token) in live)
            {
                _tokens[key] = token with { RevokedAt = now };
            }

            return Task.FromResult(live.Count);
        }
    }

    public Task<int> PruneAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken) => Task.FromResult(0);

    private static string Key(byte[] hash) => Convert.ToHexString(hash);
}
