namespace Keycard.Core.Clients;

/// <summary>
/// Imported client secrets (a team moving from another server keeps its credentials) must be strong enough to be
/// stored as a plain SHA-256: at least 32 characters and an estimated 128 bits (RFC 6749 §10.10, RFC 9700 §4.15).
/// </summary>
public static class ClientSecretPolicy
{
    public const int MinLength = 32;
    public const double MinEntropyBits = 128;

    public static string? FindWeakness(string secret)
    {
        if (secret.Length < MinLength)
        {
            return $"is shorter than {MinLength} characters";
        }

        if (secret.Length > ClientAuthenticator.MaxSecretLength)
        {
            return $"is longer than {ClientAuthenticator.MaxSecretLength} characters";
        }

        if (secret.Any(c => c < 0x21 || c > 0x7E))
        {
            return "must be printable ASCII without spaces";
        }

        if (EstimateEntropyBits(secret) < MinEntropyBits)
        {
            return "is too predictable (repeated or too few distinct characters)";
        }

        return null;
    }

    /// <summary>Shannon entropy of the character distribution times the length: a cheap upper bound that catches repetition.</summary>
    public static double EstimateEntropyBits(string secret)
    {
        var counts = secret.GroupBy(c => c).Select(g => (double)g.Count());
        var perChar = counts.Sum(n => -(n / secret.Length) * Math.Log2(n / secret.Length));
        return perChar * secret.Length;
    }
}
