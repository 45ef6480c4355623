namespace Keycard.Core.Signing;

/// <summary>
/// The signing keys every node shares (issue 16): the one that signs now, and the ones a JWKS endpoint publishes.
/// Implementations read the database and cache briefly, so a rotation made by one node reaches the others without a
/// restart.
/// </summary>
public interface ISigningKeyRing
{
    /// <summary>The key that signs now; creates the first key when the ring is empty.</summary>
    ValueTask<SigningKey> GetCurrentAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The key of <paramref name="algorithm"/> (<see cref="SigningAlgorithms"/>) that signs now; creates one when none
    /// does (a client registered for ES256 on a ring of RS256 keys), and keeps that algorithm on the rotation schedule.
    /// </summary>
    ValueTask<SigningKey> GetCurrentAsync(string algorithm, CancellationToken cancellationToken);

    /// <summary>Every key published now (the current one, the next one before it signs, retired ones until they expire).</summary>
    ValueTask<IReadOnlyList<SigningKey>> GetPublishedAsync(CancellationToken cancellationToken);
}
