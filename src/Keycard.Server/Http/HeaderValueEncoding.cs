using System.Text;
using System.Text.Unicode;

namespace Keycard.Server.Http;

/// <summary>
/// How Kestrel decodes request header values (<c>KestrelServerOptions.RequestHeaderEncodingSelector</c>, set for every
/// header in <c>KeycardServer</c>): as UTF-8 when the value's bytes are valid UTF-8, else as Latin-1, one byte one
/// character. Kestrel's own default takes UTF-8 only and answers any other byte with a bare 400 before Keycard sees the
/// request; but a browser sends each header value as the Latin-1 bytes of the script's string (Fetch's byte strings),
/// so a password with "é" in <c>x-auth-password</c> arrives as the single byte 0xE9, and RFC 9110 §5.5 keeps such
/// octets (obs-text) as opaque data, not an error. Every value is read whole one way or the other, never mixed; a
/// Latin-1 value is almost never valid UTF-8 by accident. NUL stays refused, as Kestrel's own decoders refuse it
/// (a 400 from Kestrel); CR and LF are refused by Kestrel after decoding. A value that decodes to something Keycard
/// does not accept (a control character, a wrong password) is then refused by the endpoint, with its dialect's error.
/// </summary>
internal sealed class HeaderValueEncoding : Encoding
{
    public static readonly HeaderValueEncoding Instance = new();

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private HeaderValueEncoding()
    {
    }

    // Kestrel decodes through Encoding.GetString(ReadOnlySpan<byte>), which calls these two pointer overloads.
    public override unsafe int GetCharCount(byte* bytes, int count) => CharCount(new ReadOnlySpan<byte>(bytes, count));

    public override unsafe int GetChars(byte* bytes, int byteCount, char* chars, int charCount) =>
        Decode(new ReadOnlySpan<byte>(bytes, byteCount), new Span<char>(chars, charCount));

    public override int GetCharCount(ReadOnlySpan<byte> bytes) => CharCount(bytes);

    public override int GetChars(ReadOnlySpan<byte> bytes, Span<char> chars) => Decode(bytes, chars);

    public override int GetCharCount(byte[] bytes, int index, int count) => CharCount(bytes.AsSpan(index, count));

    public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex) =>
        Decode(bytes.AsSpan(byteIndex, byteCount), chars.AsSpan(charIndex));

    public override int GetMaxCharCount(int byteCount) => StrictUtf8.GetMaxCharCount(byteCount);

    // Never used to encode (it only decodes request headers); UTF-8, should anything ask.
    public override int GetByteCount(char[] chars, int index, int count) => StrictUtf8.GetByteCount(chars, index, count);

    public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex) =>
        StrictUtf8.GetBytes(chars, charIndex, charCount, bytes, byteIndex);

    public override int GetMaxByteCount(int charCount) => StrictUtf8.GetMaxByteCount(charCount);

    private static int CharCount(ReadOnlySpan<byte> bytes)
    {
        RefuseNul(bytes);
        return Utf8.IsValid(bytes) ? StrictUtf8.GetCharCount(bytes) : bytes.Length;
    }

    private static int Decode(ReadOnlySpan<byte> bytes, Span<char> chars)
    {
        RefuseNul(bytes);
        return Utf8.IsValid(bytes) ? StrictUtf8.GetChars(bytes, chars) : Latin1.GetChars(bytes, chars);
    }

    // Kestrel turns a DecoderFallbackException into its 400 for a malformed header.
    private static void RefuseNul(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Contains((byte)0))
        {
            throw new DecoderFallbackException("A header value contains a NUL byte.");
        }
    }
}
