using System.Net;
using Keycard.Core.Storage;
using Keycard.Server.Tests.Infrastructure;
using Keycard.Server.Tests.OAuth;
using Keycard.Storage.Stores;
using Keycard.Storage.Users;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Server.Tests.OpenIdConnect;

/// <summary>OpenID Connect Core §3.1.2.1 and §3.1.2.6 over HTTP: prompt, max_age, login_hint and the unsupported parameters.</summary>
public sealed class AuthenticationRequestTests : OAuthTestBase
{
    private static string OpenIdUrl(string extra = "") => OAuthForms.AuthorizeUrl(scope: "openid") + extra;

    [Fact]
    public async Task Authorize_PromptNoneWithoutSession_RedirectsLoginRequiredWithStateAndIss()
    {
        using var response = await Http.GetAsync(OpenIdUrl("&prompt=none"));

        // Core §3.1.2.6: prompt=none never shows a page; the error goes back to the client.
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var answer = OAuthForms.ReadRedirect(response);
        Assert.Equal("login_required", answer["error"]);
        Assert.Equal("xyz", answer["state"]);
        Assert.Equal("http://localhost", answer["iss"]);
    }

    [Fact]
    public async Task Authorize_PromptNoneWithSession_RedirectsACode()
    {
        await GetCodeAsync(OpenIdUrl());

        using var response = await Http.GetAsync(OpenIdUrl("&prompt=none"));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.True(OAuthForms.ReadRedirect(response).ContainsKey("code"));
    }

    [Theory]
    [InlineData("&max_age=0")]
    [InlineData("&prompt=login")]
    public async Task Authorize_MaxAgeZeroOrPromptLoginWithSession_ShowsTheFormAgain(string extra)
    {
        await GetCodeAsync(OpenIdUrl());

        using var response = await Http.GetAsync(OpenIdUrl(extra));

        // Core §3.1.2.1: a fresh password, whatever the session.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("name=\"password\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_MaxAgeZero_FreshSignInGivesANewerAuthTime()
    {
        await GetCodeAsync(OpenIdUrl());
        Factory.Time.Advance(TimeSpan.FromMinutes(5));

        var code = await GetCodeAsync(OpenIdUrl("&max_age=0"));
        using var exchanged = await ExchangeAsync(code);

        var idToken = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken((await JsonAsync(exchanged)).GetProperty("id_token").GetString());
        Assert.Equal(Factory.Time.GetUtcNow().ToUnixTimeSeconds(), idToken.GetPayloadValue<long>("auth_time"));
    }

    [Fact]
    public async Task Authorize_LoginHint_PrefillsTheUserName()
    {
        using var response = await Http.GetAsync(OpenIdUrl("&login_hint=bob%40example.com"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("value=\"bob@example.com\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("&request=eyJhbGciOiJub25lIn0.e30.", "request_not_supported")]
    [InlineData("&request_uri=https%3A%2F%2Fapp.example.com%2Fr", "request_uri_not_supported")]
    [InlineData("&registration=%7B%7D", "registration_not_supported")]
    [InlineData("&prompt=none%20login", "invalid_request")]
    [InlineData("&max_age=-5", "invalid_request")]
    public async Task Authorize_UnsupportedOrInvalidOpenIdParameter_IsRedirectedWithItsErrorCode(string extra, string error)
    {
        using var response = await Http.GetAsync(OpenIdUrl(extra));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(error, OAuthForms.ReadRedirect(response)["error"]);
    }

    [Fact]
    public async Task Authorize_DisplayAndLocales_AreAcceptedAndIgnored()
    {
        using var response = await Http.GetAsync(OpenIdUrl("&display=page&ui_locales=fr&claims_locales=fr&acr_values=1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RevokeUser_EndsTheUsersSessionRows()
    {
        await GetCodeAsync(OpenIdUrl());

        var sessions = await Factory.WithScopeAsync(async services =>
        {
            var user = await services.GetRequiredService<UserAdministration>().FindAsync(KeycardFactory.UserName);
            await services.GetRequiredService<TokenAdministration>().RevokeUserAsync(KeycardFactory.UserName, CancellationToken.None);
            return await services.GetRequiredService<ISignInSessionStore>().ListForUserAsync(user!.Id, Factory.Time.GetUtcNow(), CancellationToken.None);
        });

        var session = Assert.Single(sessions);
        Assert.NotNull(session.EndedAt);
    }
}
