using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Keycard.Server.Tests.OAuth;

/// <summary>A fresh Keycard per test class instance, and a cookie-keeping client that does not follow redirects.</summary>
public abstract class OAuthTestBase : IAsyncLifetime
{
    protected KeycardFactory Factory { get; } = new();

    protected HttpClient Http { get; private set; } = null!;

    protected OAuthForms Forms { get; private set; } = null!;

    protected string Secret => Factory.ConfidentialSecret;

    public virtual async Task InitializeAsync()
    {
        await Factory.SeedAsync();
        Http = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        Forms = new OAuthForms(Http);
    }

    public Task DisposeAsync()
    {
        Http.Dispose();
        Factory.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Opens <paramref name="authorizeUrl"/>, signs in on the form and returns Keycard's redirect to the client.</summary>
    protected async Task<HttpResponseMessage> AuthorizeAndSignInAsync(string authorizeUrl, string password = KeycardFactory.Password)
    {
        using var page = await Http.GetAsync(authorizeUrl);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var post = await SignInForm.BuildAsync(page, new Uri(Http.BaseAddress!, authorizeUrl), password: password);
        return await Http.SendAsync(post);
    }

    /// <summary>A code for the public client with the test PKCE challenge, through the form.</summary>
    protected async Task<string> GetCodeAsync(string? authorizeUrl = null, string expectedRedirect = KeycardFactory.RedirectUri)
    {
        using var redirect = await AuthorizeAndSignInAsync(authorizeUrl ?? OAuthForms.AuthorizeUrl());
        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
        return OAuthForms.ReadRedirect(redirect, expectedRedirect)["code"];
    }

    protected Task<HttpResponseMessage> ExchangeAsync(string code, string clientId = KeycardFactory.PublicClientId, string? verifier = OAuthForms.Verifier, string? redirectUri = KeycardFactory.RedirectUri)
    {
        var form = new List<(string, string)> { ("grant_type", "authorization_code"), ("code", code), ("client_id", clientId) };
        if (verifier is not null)
        {
            form.Add(("code_verifier", verifier));
        }

        if (redirectUri is not null)
        {
            form.Add(("redirect_uri", redirectUri));
        }

        return Forms.TokenAsync([.. form]);
    }

    protected async Task<JsonElement> SignInPublicAsync()
    {
        var code = await GetCodeAsync();
        using var response = await ExchangeAsync(code);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Tokens for the confidential client through the code flow (no PKCE: it is optional for confidential clients).</summary>
    protected async Task<JsonElement> SignInConfidentialAsync(string scope = "email")
    {
        var code = await GetCodeAsync(OAuthForms.AuthorizeUrl(KeycardFactory.ConfidentialClientId, scope: scope, challenge: "", method: null));
        using var response = await Forms.TokenWithBasicAsync(KeycardFactory.ConfidentialClientId, Secret,
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", KeycardFactory.RedirectUri));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    protected static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();
}
