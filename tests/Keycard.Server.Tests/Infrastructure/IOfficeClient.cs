using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Keycard.Server.Tests.Infrastructure;

/// <summary>Speaks the guide's header dialect, as an app written against the guide would.</summary>
public sealed class IOfficeClient(HttpClient http)
{
    public HttpClient Http => http;

    public Task<HttpResponseMessage> AuthAsync(string? user, string? password, string? clientId, string? secret = null, IDictionary<string, string>? extra = null) =>
        SendAsync(HttpMethod.Post, "/external/api/oauth2/auth", new()
        {
            ["x-auth-username"] = user,
            ["x-auth-password"] = password,
            ["x-client-id"] = clientId,
            ["x-client-secret"] = secret,
        }, extra);

    public async Task<string> GetCodeAsync(string clientId = KeycardFactory.PublicClientId, string? secret = null)
    {
        using var response = await AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, clientId, secret);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("code").GetString()!;
    }

    public Task<HttpResponseMessage> ExchangeAsync(string? code, string clientId = KeycardFactory.PublicClientId, string? scope = "email",
        string? redirectUri = KeycardFactory.RedirectUri, string? secret = null, IDictionary<string, string>? extra = null) =>
        SendAsync(HttpMethod.Post, "/external/api/oauth2/token", new()
        {
            ["x-grant-type"] = "authorization_code",
            ["x-redirect-uri"] = redirectUri,
            ["x-client-id"] = clientId,
            ["x-scope"] = scope,
            ["x-auth-code"] = code,
            ["x-client-secret"] = secret,
        }, extra);

    public Task<HttpResponseMessage> RefreshAsync(string? refreshToken, string clientId = KeycardFactory.PublicClientId, string? scope = "email", string? secret = null) =>
        SendAsync(HttpMethod.Post, "/external/api/oauth2/token", new()
        {
            ["x-grant-type"] = "refresh_token",
            ["x-redirect-uri"] = KeycardFactory.RedirectUri,
            ["x-client-id"] = clientId,
            ["x-scope"] = scope,
            ["x-refresh-token"] = refreshToken,
            ["x-client-secret"] = secret,
        });

    public Task<HttpResponseMessage> RevokeAsync(string? token, HttpMethod? method = null, string? clientId = null, string? secret = null) =>
        SendAsync(method ?? HttpMethod.Post, "/external/api/oauth2/revoke", new()
        {
            ["x-token"] = token,
            ["x-client-id"] = clientId,
            ["x-client-secret"] = secret,
        });

    public Task<HttpResponseMessage> TokenInfoAsync(string? token) =>
        SendAsync(HttpMethod.Get, "/external/api/oauth2/tokeninfo", new() { ["x-token"] = token });

    public Task<HttpResponseMessage> MeAsync(string token, string transport = "header")
    {
        var request = transport switch
        {
            "query" => new HttpRequestMessage(HttpMethod.Get, "/external/api/rest/v2/users/me?access_token=" + Uri.EscapeDataString(token)),
            _ => new HttpRequestMessage(HttpMethod.Get, "/external/api/rest/v2/users/me"),
        };
        if (transport == "header")
        {
            request.Headers.Add("x-access-token", token);
        }
        else if (transport == "bearer")
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return http.SendAsync(request);
    }

    /// <summary>Code, then tokens: the guide's whole flow for the public test client.</summary>
    public async Task<TokenSet> SignInAsync(string clientId = KeycardFactory.PublicClientId, string? secret = null)
    {
        var code = await GetCodeAsync(clientId, secret);
        using var response = await ExchangeAsync(code, clientId, secret: secret);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await TokenSet.ReadAsync(response);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, Dictionary<string, string?> headers, IDictionary<string, string>? extra = null)
    {
        using var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers)
        {
            if (value is not null)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        foreach (var (name, value) in extra ?? new Dictionary<string, string>())
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await http.SendAsync(request);
    }
}

public sealed record TokenSet(string AccessToken, string? RefreshToken, long ExpiresIn, string TokenType)
{
    public static async Task<TokenSet> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new TokenSet(
            body.GetProperty("access_token").GetString()!,
            body.TryGetProperty("refresh_token", out var r) ? r.GetString() : null,
            body.GetProperty("expires_in").GetInt64(),
            body.GetProperty("token_type").GetString()!);
    }
}

public static class ResponseAssert
{
    /// <summary>Asserts the iOFFICE error shape: status, error code, and a description.</summary>
    public static async Task ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("errorDescription").GetString()));
    }
}
