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

    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[EntropyBytes];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>SHA-256 of the UTF-8 bytes. High-entropy values need no slow hash: a preimage search over 2^256 is the bound.</summary>
    public static byte[] Hash(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max <= 1024)
        {
            Span<byte> utf8 = stackalloc byte[max];
            var written = Encoding.UTF8.GetBytes(value, utf8);
            return SHA256.HashData(utf8[..written]);
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(value));
    }

    /// <summary>Constant-time comparison (STYLE habit 6; RFC 9700 §4.1 timing side channels).</summary>
    public static bool FixedTimeEquals(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) =>
        CryptographicOperations.FixedTimeEquals(left, right);

    /// <summary>Constant-time comparison of two strings by their UTF-8 SHA-256, so lengths leak nothing either.</summary>
    public static bool FixedTimeEquals(string left, string right) =>
        CryptographicOperations.FixedTimeEquals(Hash(left), Hash(right));
}
