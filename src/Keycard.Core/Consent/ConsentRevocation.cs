namespace Keycard.Core.Consent;

/// <summary>
/// What revoking consent removed: the clients whose consent ended, and the codes and tokens those clients held for
/// the user (revoked with it, by family, so caches drop them too).
/// </summary>
public sealed record ConsentRevocation(IReadOnlyList<string> ClientIds, IReadOnlyList<string> RevokedFamilies, int TokensRevoked)
{
    public static readonly ConsentRevocation None = new([], [], 0);
}
