using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Keycard.AspNetCore.Tests;

/// <summary>Calls an API with a token sent one of the guide's ways, and checks the iOFFICE error shape.</summary>
public static class ApiCalls
{
    /// <param name="transport"><c>header</c> (<c>x-access-token</c>), <c>query</c> (<c>?access_token=</c>) or <c>bearer</c>.</param>
    public static async Task<HttpResponseMessage> CallAsync(HttpClient http, string path, string token, string transport = "header", HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, transport == "query" ? path + "?access_token=" + Uri.EscapeDataString(token) : path);
        if (transport == "header")
        {
            request.Headers.Add("x-access-token", token);
        }
        else if (transport == "bearer")
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request);
    }

    /// <summary>The iOFFICE error shape: <c>{"status","error","errorDescription"}</c>.</summary>
    public static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("errorDescription").GetString()));
    }
}
