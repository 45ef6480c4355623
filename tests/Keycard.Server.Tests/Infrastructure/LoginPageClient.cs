using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Keycard.Server.Tests.Infrastructure;

/// <summary>A browser on the login page: keeps cookies, does not follow redirects, posts the form like a browser.</summary>
public sealed partial class LoginPageClient(HttpClient http)
{
    public const string AntiforgeryField = "__keycard_csrf";

    public static string DefaultQuery(string state = "xyz", string clientId = KeycardFactory.PublicClientId, string scope = "email") =>
        "response_type=code&client_id=" + Uri.EscapeDataString(clientId) +
        "&redirect_uri=" + Uri.EscapeDataString(KeycardFactory.RedirectUri) +
        "&scope=" + Uri.EscapeDataString(scope) +
        "&state=" + Uri.EscapeDataString(state);

    public HttpClient Http => http;

    public static LoginPageClient Create(KeycardFactory factory, string baseAddress = "http://localhost") =>
        new(factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri(baseAddress) }));

    public async Task<(HttpResponseMessage Response, string Html)> GetAsync(string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/login.html?" + query);
        request.Headers.Accept.ParseAdd("text/html");
        var response = await http.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The anti-forgery token of a freshly served form (its cookie is now in the client's jar).</summary>
    public async Task<string> GetTokenAsync(string query)
    {
        var (response, html) = await GetAsync(query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return ExtractToken(html) ?? throw new InvalidOperationException("The form has no anti-forgery token.");
    }

    public static string? ExtractToken(string html)
    {
        var match = TokenField().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    public async Task<HttpResponseMessage> PostAsync(string query, string? userName, string? password, string? token, string? origin = null)
    {
        var fields = new List<KeyValuePair<string, string>>();
        if (token is not null)
        {
            fields.Add(new(AntiforgeryField, token));
        }

        if (userName is not null)
        {
            fields.Add(new("username", userName));
        }

        if (password is not null)
        {
            fields.Add(new("password", password));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/login.html?" + query) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Accept.ParseAdd("text/html");
        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        return await http.SendAsync(request);
    }

    /// <summary>GET the form, then POST the credentials with its token: the whole browser sign-in.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string query, string userName = KeycardFactory.UserName, string password = KeycardFactory.Password, string? origin = null)
    {
        var token = await GetTokenAsync(query);
        return await PostAsync(query, userName, password, token, origin);
    }

    /// <summary>The code from a 303 to <c>redirect_uri#code=…</c>.</summary>
    public static string CodeFrom(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var fragment = response.Headers.Location!.OriginalString.Split('#', 2)[1];
        foreach (var pair in fragment.Split('&'))
        {
            var kv = pair.Split('=', 2);
            if (kv[0] == "code")
            {
                return Uri.UnescapeDataString(kv[1]);
            }
        }

        throw new InvalidOperationException("No code in the redirect.");
    }

    [GeneratedRegex("name=\"__keycard_csrf\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
