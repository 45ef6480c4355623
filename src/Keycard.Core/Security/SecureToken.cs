using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Keycard.Core.Security;

/// <summary>
/// Random bearer values (codes, tokens, client secrets) and the hashes they are stored as.
/// RFC 6749 §10.10 and RFC 9700 §4: at least 256 bits from a CSPRNG; only SHA-256 hashes at rest.
/// </summary>
public static class SecureToken
{
    /// <summary>32 random bytes: 256 bits of entropy.</summary>
    public const int EntropyBytes = 32;

    /// <summary>Length of a generated token: 32 bytes in unpadded base64url.</summary>
    public const int TokenLength = 43;

    /// <summary>Longest presented token Keycard will hash; anything longer cannot be one of ours.</summary>
    public const int MaxPresentedLength = 512;

    /// <summary>Bytes of issue time in front of a code or token's random part: milliseconds since 1970, big-endian.</summary>
    public const int TimePrefixBytes = 6;

    /// <summary>Length of a code or token (<see cref="GenerateOrdered"/>): 6 + 32 bytes in unpadded base64url.</summary>
    public const int OrderedTokenLength = 51;

    /// <summary>Length of the key a code or token is stored under (<see cref="StorageKey"/>): the time prefix and a SHA-256.</summary>
    public const int StorageKeyLength = TimePrefixBytes + 32;

    /// <summary>The base64url characters that carry exactly the <see cref="TimePrefixBytes"/> time bytes.</summary>
    private const int TimePrefixChars = 8;

    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[EntropyBytes];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>
    /// A code or token: its issue time to the millisecond, then 256 bits from the CSPRNG (RFC 6749 §10.10, RFC 9700
    /// §4: the random part alone carries the guessing bound). The time in front is not a secret, and it is what the
    /// value is stored under (<see cref="StorageKey"/>): keys in issue order make every insert land on the last pages
    /// of the token index, which stay in memory, where random keys land on a random page of an index that outgrows
    /// any cache, read and rewritten for each token (docs/benchmarks.md measured both).
    /// </summary>
    public static string GenerateOrdered(DateTimeOffset issuedAt)
    {
        Span<byte> bytes = stackalloc byte[TimePrefixBytes + EntropyBytes];
        Span<byte> time = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(time, Math.Max(0, issuedAt.ToUnixTimeMilliseconds()));
        time[(sizeof(long) - TimePrefixBytes)..].CopyTo(bytes);
        RandomNumberGenerator.Fill(bytes[TimePrefixBytes..]);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>
    /// The key a code or token is stored and looked up under: for a value of <see cref="GenerateOrdered"/>'s shape,
    /// its time prefix followed by the SHA-256 of the whole value; for anything else (a value issued before Keycard
    /// ordered its tokens, or a value that was never ours), the SHA-256 alone, which no ordered key can equal.
    /// Either way only a hash of the random part is ever stored.
    /// </summary>
    public static byte[] StorageKey(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Span<byte> prefix = stackalloc byte[TimePrefixBytes];
        // The OperationStatus overload reports bad characters instead of throwing: a presented value is untrusted.
        if (value.Length != OrderedTokenLength ||
            Base64Url.DecodeFromChars(value.AsSpan(0, TimePrefixChars), prefix, out _, out var written) != OperationStatus.Done ||
            written != TimePrefixBytes)
        {
            return Hash(value);
        }

        var key = new byte[StorageKeyLength];
        prefix.CopyTo(key);
        HashUtf8(value, key.AsSpan(TimePrefixBytes));
        return key;
    }

    /// <summary>SHA-256 of the UTF-8 bytes. High-entropy values need no slow hash: a preimage search over 2^256 is the bound.</summary>
    public static byte[] Hash(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var hash = new byte[32];
        HashUtf8(value, hash);
        return hash;
    }

    private static void HashUtf8(string value, Span<byte> destination)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max <= 1024)
        {
            Span<byte> utf8 = stackalloc byte[max];
            var written = Encoding.UTF8.GetBytes(value, utf8);
            SHA256.HashData(utf8[..written], destination);
            return;
        }

        SHA256.HashData(Encoding.UTF8.GetBytes(value), destination);
    }

    /// <summary>Constant-time comparison (STYLE habit 6; RFC 9700 §4.1 timing side channels).</summary>
    public static bool FixedTimeEquals(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) =>
        CryptographicOperations.FixedTimeEquals(left, right);
}
