using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Keycard.AspNetCore;

/// <summary>The iOFFICE error shape <c>{"status","error","errorDescription"}</c>, with the RFC 6750 §3 challenge where one belongs.</summary>
internal static class KeycardErrorWriter
{
    public static Task ChallengeAsync(HttpContext context, int status, string error, string description, string? scope = null)
    {
        var scopeParameter = scope is null ? "" : $", scope=\"{scope}\"";
        return WriteAsync(context, status, error, description,
            $"Bearer realm=\"keycard\", error=\"{error}\", error_description=\"{description.Replace('"', '\'')}\"{scopeParameter}");
    }

    public static async Task WriteAsync(HttpContext context, int status, string error, string description, string? challenge = null)
    {
        var response = context.Response;
        response.StatusCode = status;
        if (challenge is not null)
        {
            response.Headers.WWWAuthenticate = challenge;
        }

        response.Headers.CacheControl = "no-store";
        response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(response.Body);
        json.WriteStartObject();
        json.WriteNumber("status", status);
        json.WriteString("error", error);
        json.WriteString("errorDescription", description);
        json.WriteEndObject();
    }
}
