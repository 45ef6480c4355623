using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Keycard.Server.Tests.Infrastructure;

/// <summary>
/// A browser on the login page: keeps cookies, does not follow redirects, posts the form like a browser, including
/// malformed posts (no token, no password, another Origin). Reading the form is <see cref="SignInForm"/>'s.
/// </summary>
public sealed class LoginPageClient(HttpClient http)
{
    public const string AntiforgeryField = SignInForm.AntiforgeryField;

    public static string DefaultQuery(string state = "xyz", string clientId = KeycardFactory.PublicClientId, string scope = "email") =>
        SignInForm.LoginQuery(state, clientId, scope);

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

    public static string? ExtractToken(string html) => SignInForm.ReadToken(html);

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
    public static string CodeFrom(HttpResponseMessage response) => SignInForm.CodeFromFragment(response);
}
