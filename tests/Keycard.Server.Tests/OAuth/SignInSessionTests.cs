using System.Net;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.OAuth;

/// <summary>The browser sign-in session: one password, then codes without the form on /oauth2/authorize.</summary>
public sealed class SignInSessionTests : OAuthTestBase
{
    private const string LoginHtml = "/login.html?response_type=code&client_id=spa&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback&scope=email&state=abc";

    [Fact]
    public async Task SignIn_Succeeds_SetsAnHttpOnlyLaxSessionCookie()
    {
        using var redirect = await AuthorizeAndSignInAsync(OAuthForms.AuthorizeUrl());

        var cookie = redirect.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("keycard.session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Authorize_WithSession_IssuesTheCodeWithoutTheForm()
    {
        await GetCodeAsync();

        using var second = await Http.GetAsync(OAuthForms.AuthorizeUrl(state: "second"));

        Assert.Equal(HttpStatusCode.Found, second.StatusCode);
        var query = OAuthForms.ReadRedirect(second);
        Assert.Equal("second", query["state"]);
        using var exchange = await ExchangeAsync(query["code"]);
        Assert.Equal(HttpStatusCode.OK, exchange.StatusCode);
    }

    [Fact]
    public async Task Authorize_WithSessionButInvalidRequest_StillRedirectsTheError()
    {
        await GetCodeAsync();

        using var second = await Http.GetAsync(OAuthForms.AuthorizeUrl(challenge: "", method: null));

        var query = OAuthForms.ReadRedirect(second);
        Assert.Equal("invalid_request", query["error"]);
        Assert.False(query.ContainsKey("code"));
    }

    [Fact]
    public async Task Authorize_SessionFromLoginHtml_IssuesTheCodeWithoutTheForm()
    {
        using var page = await Http.GetAsync(LoginHtml);
        using var post = await SignInForm.BuildAsync(page, new Uri(Http.BaseAddress!, LoginHtml));
        using var signedIn = await Http.SendAsync(post);
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);

        using var authorize = await Http.GetAsync(OAuthForms.AuthorizeUrl());

        Assert.Equal(HttpStatusCode.Found, authorize.StatusCode);
        Assert.True(OAuthForms.ReadRedirect(authorize).ContainsKey("code"));
    }

    [Fact]
    public async Task LoginHtml_WithSession_StillShowsTheForm()
    {
        await GetCodeAsync();

        using var page = await Http.GetAsync(LoginHtml);

        Assert.True(await SignInForm.IsFormAsync(page));
    }

    [Fact]
    public async Task Authorize_SessionOlderThanItsLifetime_ShowsTheFormAgain()
    {
        await GetCodeAsync();
        Factory.Time.Advance(TimeSpan.FromHours(8) + TimeSpan.FromMinutes(1));

        using var page = await Http.GetAsync(OAuthForms.AuthorizeUrl());

        Assert.True(await SignInForm.IsFormAsync(page));
    }

    [Fact]
    public async Task Authorize_AfterPasswordChange_ShowsTheFormAgain()
    {
        await GetCodeAsync();
        var errors = await Factory.WithScopeAsync(sp => sp.GetRequiredService<Keycard.Storage.Users.UserAdministration>()
            .SetPasswordAsync(KeycardFactory.UserName, "a brand new password", CancellationToken.None));
        Assert.Empty(errors);

        // The user record is cached for at most one second (Keycard:Cache:Duration).
        Factory.Time.Advance(TimeSpan.FromSeconds(1) + TimeSpan.FromMilliseconds(1));
        using var page = await Http.GetAsync(OAuthForms.AuthorizeUrl());

        Assert.True(await SignInForm.IsFormAsync(page));
    }

    [Fact]
    public async Task Authorize_SessionOfAnotherBrowser_ShowsTheForm()
    {
        await GetCodeAsync();
        using var otherBrowser = Factory.CreateClient(new() { AllowAutoRedirect = false });

        using var page = await otherBrowser.GetAsync(OAuthForms.AuthorizeUrl());

        Assert.True(await SignInForm.IsFormAsync(page));
    }

    [Fact]
    public async Task Authorize_TamperedSessionCookie_ShowsTheForm()
    {
        using var client = Factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, OAuthForms.AuthorizeUrl());
        request.Headers.Add("Cookie", "keycard.session=CfDJ8forged");

        using var page = await client.SendAsync(request);

        Assert.True(await SignInForm.IsFormAsync(page));
    }
}
