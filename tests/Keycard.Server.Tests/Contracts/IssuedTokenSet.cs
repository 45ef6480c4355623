using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Keycard.Server.Tests.Contracts;

/// <summary>A successful token response's values, the same in both dialects.</summary>
public sealed record IssuedTokenSet(string AccessToken, string? RefreshToken, JsonElement Body)
{
    public static async Task<IssuedTokenSet> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new IssuedTokenSet(
            body.GetProperty("access_token").GetString()!,
            body.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null,
            body);
    }
}
