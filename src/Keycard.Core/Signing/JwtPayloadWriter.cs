using System.Buffers;
using System.Text.Json;

namespace Keycard.Core.Signing;

/// <summary>
/// Writes a JWT's claims (RFC 7519 §4) as one JSON object into a buffer kept per thread, so signing a token allocates
/// no intermediate JSON. The span returned is valid until the same thread writes the next payload.
/// </summary>
internal static class JwtPayloadWriter
{
    /// <summary>A payload larger than this is written into a buffer that is not kept for the next one.</summary>
    private const int KeptCapacity = 16 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Generic over the claims' type, so a struct's claims are written without boxing it.</summary>
    public static ReadOnlySpan<byte> Write<TClaims>(scoped in TClaims claims)
        where TClaims : struct, IJwtClaims
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        writer.WriteStartObject();
        claims.WriteTo(writer);
        writer.WriteEndObject();
        writer.Flush();
        if (buffer.Capacity > KeptCapacity)
        {
            t_buffer = null;
            t_writer = null;
        }

        return buffer.WrittenSpan;
    }
}
