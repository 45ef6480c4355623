using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

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

    /// <summary>
    /// Longest presented access token Keycard will hash: a JWT access token (RFC 9068) carries its claims and an RS256
    /// signature of 342 characters, so it is longer than an opaque one; codes and refresh tokens stay opaque.
    /// </summary>
    public const int MaxPresentedAccessTokenLength = 4096;

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
        WriteTimePrefix(Math.Max(0, issuedAt.ToUnixTimeMilliseconds()), bytes);
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
        var ordered = value.Length > OrderedTokenLength
            // A JWT access token (RFC 9068): keyed like an ordered token, by its issue time and then the SHA-256 of the
            // whole JWT, so its row appends to the index too. The time is the millisecond in front of Keycard's jti
            // (GenerateOrdered), else the iat's second: read unverified, which is harmless, since a changed JWT has
            // another hash and the hash is what must match.
            ? TryReadJwtTimePrefix(value, prefix)
            // The OperationStatus overload reports bad characters instead of throwing: a presented value is untrusted.
            : value.Length == OrderedTokenLength &&
              Base64Url.DecodeFromChars(value.AsSpan(0, TimePrefixChars), prefix, out _, out var written) == OperationStatus.Done &&
              written == TimePrefixBytes;
        if (!ordered)
        {
            return Hash(value);
        }

        var key = new byte[StorageKeyLength];
        prefix.CopyTo(key);
        HashUtf8(value, key.AsSpan(TimePrefixBytes));
        return key;
    }

    /// <summary>
    /// The key of a JWT Keycard has just signed, from what its issuer already holds instead of reading the JWT back:
    /// <paramref name="key"/> is <see cref="StorageKeyLength"/> bytes whose last 32 are the SHA-256 of the JWT's ASCII
    /// bytes (written by the signer from its signing buffer), and <paramref name="jti"/> is the JWT's <c>jti</c>, a value
    /// of <see cref="GenerateOrdered"/>. The key is then that jti's time prefix and the hash, exactly what
    /// <see cref="StorageKey"/> makes of the JWT when the JWT is presented (it reads the same prefix from the jti); in any
    /// case <see cref="StorageKey"/> would not key that way (a JWT longer than <see cref="MaxPresentedAccessTokenLength"/>,
    /// a jti of another shape), the answer is <see cref="StorageKey"/>(<paramref name="jwt"/>) itself.
    /// </summary>
    internal static byte[] SignedJwtStorageKey(string jwt, string jti, byte[] key)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        ArgumentNullException.ThrowIfNull(jti);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNotEqual(key.Length, StorageKeyLength);
        var ordered = jwt.Length is > OrderedTokenLength and <= MaxPresentedAccessTokenLength &&
                      jti.Length == OrderedTokenLength &&
                      Base64Url.DecodeFromChars(jti.AsSpan(0, TimePrefixChars), key.AsSpan(0, TimePrefixBytes), out _, out var written) == OperationStatus.Done &&
                      written == TimePrefixBytes;
        return ordered ? key : StorageKey(jwt);
    }

    /// <summary>
    /// A hash code for a storage key (<see cref="StorageKey"/>): its last four bytes, SHA-256 output. Not its first,
    /// the issue time, the same for every token of about a minute, which would put them all in one bucket.
    /// </summary>
    public static int StorageKeyHashCode(ReadOnlySpan<byte> key) =>
        key.Length >= sizeof(int) ? BinaryPrimitives.ReadInt32LittleEndian(key[^sizeof(int)..]) : key.Length;

    /// <summary>
    /// When a JWS in compact form (RFC 7515 §7.1) was issued, as a storage key's time prefix: the time in front of its <c>jti</c> when
    /// that has <see cref="GenerateOrdered"/>'s shape (Keycard's own JWTs), else its <c>iat</c> (seconds, RFC 7519
    /// §4.1.6); false for anything else. The iat alone would give every JWT of one second the same prefix, so a
    /// second's rows would land at random places in the index's last pages, each insert dirtying a page of its own.
    /// The value is untrusted: any malformed part is simply "not a JWT".
    /// </summary>
    private static bool TryReadJwtTimePrefix(string value, Span<byte> prefix)
    {
        var first = value.IndexOf('.', StringComparison.Ordinal);
        var second = first < 0 ? -1 : value.IndexOf('.', first + 1);
        if (first <= 0 || second < 0 || value.IndexOf('.', second + 1) >= 0 || value.Length > MaxPresentedAccessTokenLength)
        {
            return false;
        }

        var payload = value.AsSpan(first + 1, second - first - 1);
        var buffer = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(payload.Length));
        try
        {
            if (Base64Url.DecodeFromChars(payload, buffer, out _, out var written) != OperationStatus.Done)
            {
                return false;
            }

            var reader = new Utf8JsonReader(buffer.AsSpan(0, written));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            long? fromIat = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isIat = reader.ValueTextEquals("iat"u8);
                var isJti = !isIat && reader.ValueTextEquals("jti"u8);
                if (!reader.Read())
                {
                    return false;
                }

                if (isIat)
                {
                    // Up to year 10000: six bytes of milliseconds hold it.
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var iat) || iat is < 0 or > 253_402_300_799)
                    {
                        return false;
                    }

                    fromIat = iat * 1000;
                }
                else if (isJti && reader.TokenType == JsonTokenType.String && !reader.HasValueSequence && !reader.ValueIsEscaped &&
                         reader.ValueSpan.Length == OrderedTokenLength &&
                         Base64Url.DecodeFromUtf8(reader.ValueSpan[..TimePrefixChars], prefix, out _, out var jtiWritten) == OperationStatus.Done &&
                         jtiWritten == TimePrefixBytes)
                {
                    return true;
                }

                reader.Skip();
            }

            if (fromIat is not { } iatMilliseconds)
            {
                return false;
            }

            WriteTimePrefix(iatMilliseconds, prefix);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Milliseconds since 1970 as the <see cref="TimePrefixBytes"/> big-endian bytes in front of a value or key.</summary>
    private static void WriteTimePrefix(long milliseconds, Span<byte> destination)
    {
        Span<byte> time = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(time, milliseconds);
        time[(sizeof(long) - TimePrefixBytes)..].CopyTo(destination);
    }

    /// <summary>SHA-256 of the UTF-8 bytes. High-entropy values need no slow hash: a preimage search over 2^256 is the bound.</summary>
    public static byte[] Hash(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var hash = new byte[32];
        HashUtf8(value, hash);
        return hash;
    }

    /// <summary>
    /// This thread's SHA-256 context, reset by every use. <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/>
    /// creates and frees an OpenSSL digest context per call, about a third of the cost of hashing a token (about 620 ns
    /// against 420 ns reused, on the bench machine), and every API and gateway call hashes the token it carries.
    /// </summary>
    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    private static void HashUtf8(string value, Span<byte> destination)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? large = null;
        var utf8 = max <= 1024 ? stackalloc byte[max] : (large = Encoding.UTF8.GetBytes(value));
        var written = large?.Length ?? Encoding.UTF8.GetBytes(value, utf8);
        Sha256(utf8[..written], destination);
    }

    /// <summary>SHA-256 of <paramref name="data"/> into <paramref name="destination"/>, with this thread's reused context.</summary>
    internal static void Sha256(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        // Checked before anything is appended: a throw after that would leave the data in this thread's context.
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, SHA256.HashSizeInBytes);
        var sha256 = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            sha256.AppendData(data);
            sha256.GetHashAndReset(destination);
        }
        catch
        {
            // Whatever state OpenSSL was left in, the next hash on this thread starts from a fresh context.
            t_sha256 = null;
            sha256.Dispose();
            throw;
        }
    }

    /// <summary>Constant-time comparison (STYLE habit 6; RFC 9700 §4.1 timing side channels).</summary>
    public static bool FixedTimeEquals(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) =>
        CryptographicOperations.FixedTimeEquals(left, right);
}
