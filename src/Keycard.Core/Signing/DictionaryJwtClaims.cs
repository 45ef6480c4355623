using System.Text.Json;

namespace Keycard.Core.Signing;

/// <summary>Claims given as a dictionary (ID tokens, the gateway's identity token): written in the dictionary's order.</summary>
internal readonly struct DictionaryJwtClaims(IReadOnlyDictionary<string, object> claims) : IJwtClaims
{
    public void WriteTo(Utf8JsonWriter writer)
    {
        foreach (var (name, value) in claims)
        {
            writer.WritePropertyName(name);
            WriteValue(writer, value);
        }
    }

    public IReadOnlyDictionary<string, object> ToDictionary() => claims;

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
