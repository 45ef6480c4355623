using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Keycard.AspNetCore.Tests;

/// <summary>What iOFFICE's client library does: the guide's header dialect against Keycard, the token on API calls.</summary>
public sealed class IOfficeApp(HttpClient keycard, string clientId = KeycardServer.AppClientId)
{
    public async Task<(string Access, string Refresh)> SignInAsync(string scope = "email")
    {
        using var auth = await SendAsync("/external/api/oauth2/auth", new()
        {
            ["x-auth-username"] = KeycardServer.UserName,
            ["x-auth-password"] = KeycardServer.Password,
            ["x-client-id"] = clientId,
        });
        Assert.Equal(HttpStatusCode.OK, auth.StatusCode);
        var code = (await auth.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
        return await TokensAsync(new()
        {
            ["x-grant-type"] = "authorization_code",
            ["x-redirect-uri"] = KeycardServer.RedirectUri,
            ["x-client-id"] = clientId,
            ["x-scope"] = scope,
            ["x-auth-code"] = code,
        });
    }

    public Task<(string Access, string Refresh)> RefreshAsync(string refreshToken) => TokensAsync(new()
    {
        ["x-grant-type"] = "refresh_token",
        ["x-redirect-uri"] = KeycardServer.RedirectUri,
        ["x-client-id"] = clientId,
        ["x-scope"] = "email",
        ["x-refresh-token"] = refreshToken,
    });

    public async Task RevokeAsync(string token)
    {
        using var response = await SendAsync("/external/api/oauth2/revoke", new() { ["x-token"] = token });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<(string Access, string Refresh)> TokensAsync(Dictionary<string, string> headers)
    {
        using var response = await SendAsync("/external/api/oauth2/token", headers);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("access_token").GetString()!, body.GetProperty("refresh_token").GetString()!);
    }

    private async Task<HttpResponseMessage> SendAsync(string path, Dictionary<string, string> headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await keycard.SendAsync(request);
    }
}
