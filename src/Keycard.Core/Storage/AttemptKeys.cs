using System.Security.Cryptography;
using System.Text;

namespace Keycard.Core.Storage;

/// <summary>Keys of <see cref="IAttemptThrottle"/> within the length the stores keep.</summary>
public static class AttemptKeys
{
    /// <summary>The longest key a store keeps (the <c>attempt_counters</c> key column).</summary>
    public const int MaxLength = 300;

    /// <summary>
    /// The key itself when it fits, otherwise its kind (up to the first ':') and the SHA-256 of the whole key. A key
    /// carries client input (a user name up to 256 characters) and a source address (a full IPv6 address is 39), so it
    /// can be longer than the column: PostgreSQL refused such a key and the sign-in answered 500 (session 9 audit).
    /// The same key always maps to the same bounded key, so the counting is unchanged.
    /// </summary>
    public static string Bound(string key)
    {
        if (key.Length <= MaxLength)
        {
            return key;
        }

        var kind = key[..(key.IndexOf(':', StringComparison.Ordinal) + 1)];
        return kind + "sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }
}
