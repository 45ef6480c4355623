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

    public static ReadOnlySpan<byte> Write(IReadOnlyDictionary<string, object> claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        writer.WriteStartObject();
        foreach (var (name, value) in claims)
        {
            writer.WritePropertyName(name);
            WriteValue(writer, value);
        }

        writer.WriteEndObject();
        writer.Flush();
        if (buffer.Capacity > KeptCapacity)
        {
            t_buffer = null;
            t_writer = null;
        }

        return buffer.WrittenSpan;
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case long number:
                writer.WriteNumberValue(number);
                break;
            case int number:
                writer.WriteNumberValue(number);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case IEnumerable<string> texts:
                writer.WriteStartArray();
                foreach (var text in texts)
                {
                    writer.WriteStringValue(text);
                }

                writer.WriteEndArray();
                break;
            default:
                // Anything else (a nested object, a double, a date) as System.Text.Json writes it.
                JsonSerializer.Serialize(writer, value, value.GetType());
                break;
        }
    }
}
