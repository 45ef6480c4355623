using Keycard.Core.Tokens;

namespace Keycard.Core.Storage;

/// <summary>Codes and tokens, keyed by the SHA-256 of their value. Every write is durable before it returns.</summary>
public interface ITokenStore
{
    Task AddAsync(IReadOnlyList<StoredToken> tokens, CancellationToken cancellationToken);

    Task<StoredToken?> FindAsync(byte[] hash, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically marks <paramref name="consumedHash"/> consumed and stores <paramref name="issued"/>, or does nothing
    /// and returns false when it was already consumed or revoked. One transaction: a code or refresh token is never
    /// spent without its successors being stored, and two concurrent callers can never both win.
    /// </summary>
    Task<bool> ExchangeAsync(byte[] consumedHash, DateTimeOffset now, IReadOnlyList<StoredToken> issued, CancellationToken cancellationToken);

    /// <summary>Revokes one token; returns false when it was unknown or already revoked.</summary>
    Task<bool> RevokeAsync(byte[] hash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Revokes every code and token of an authorization; returns how many were live.</summary>
    Task<int> RevokeFamilyAsync(string familyId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes up to <paramref name="batchSize"/> codes and tokens that expired or were revoked before <paramref name="cutoff"/>.</summary>
    Task<int> PruneAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken);
}
