using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Keycard.Server.Tests.Infrastructure;

/// <summary>
/// RFC 6749 §5.2 / RFC 6750 §3: error_description = 1*( %x20-21 / %x23-5B / %x5D-7E ). Finds every description a
/// response carries (JSON body in either dialect's shape, WWW-Authenticate, a redirect's query or fragment).
/// </summary>
public static class ErrorDescriptions
{
    public static bool IsValid(string value) =>
        value.All(c => c is (>= (char)0x20 and <= (char)0x21) or (>= (char)0x23 and <= (char)0x5B) or (>= (char)0x5D and <= (char)0x7E));

    /// <summary>The descriptions in a response that break the grammar (none for a conforming response).</summary>
    public static IEnumerable<string> FindInvalid(string? contentType, string body, IEnumerable<string> wwwAuthenticate, string? location)
    {
        var found = new List<string>();
        if (contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true && body.Length > 0)
        {
            try
            {
                using var json = JsonDocument.Parse(body);
                foreach (var name in new[] { "error_description", "errorDescription" })
                {
                    if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(name, out var value))
                    {
                        found.Add(value.GetString() ?? "");
                    }
                }
            }
            catch (JsonException)
            {
                found.Add("(error body is not JSON)");
            }
        }

        foreach (var header in wwwAuthenticate)
        {
            // The header itself must be a valid field value; its quoted description follows the same grammar.
            var start = header.IndexOf("error_description=\"", StringComparison.Ordinal);
            if (start >= 0)
            {
                var from = start + "error_description=\"".Length;
                found.Add(header[from..header.IndexOf('"', from)]);
            }
        }

        if (location is not null)
        {
            var parts = location.Split('#', 2);
            var query = parts[0].Contains('?', StringComparison.Ordinal) ? parts[0][parts[0].IndexOf('?', StringComparison.Ordinal)..] : "";
            foreach (var component in new[] { query, parts.Length > 1 ? parts[1] : "" })
            {
                if (QueryHelpers.ParseQuery(component).TryGetValue("error_description", out var description))
                {
                    found.Add(description.ToString());
                }
            }
        }

        return found.Where(d => !IsValid(d));
    }
}
