using System.Net;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;

namespace Keycard.Server.Tests.Interop;

/// <summary>
/// ASP.NET Core's OpenID Connect handler (Microsoft.AspNetCore.Authentication.OpenIdConnect), configured with nothing
/// but Keycard's authority and a client id, signs a user in (discovery, code + PKCE + nonce, ID token validated with
/// the JWKS, UserInfo) and signs out through end_session. Keycard and the app each run on a TestServer; a
/// <see cref="Browser"/> carries cookies and redirects between them.
/// </summary>
public sealed class AspNetCoreOpenIdConnectHandlerTests : IAsyncLifetime
{
    private const string AppOrigin = "https://app.test";
    private const string KeycardOrigin = "http://localhost";
    private const string ClientId = AspNetCoreOpenIdConnectHandlerApp.ClientId;

    private readonly KeycardFactory _keycard = new();
    private WebApplication _app = null!;
    private Browser _browser = null!;

    public async Task InitializeAsync()
    {
        // The handler checks ID token lifetimes against the real clock.
        _keycard.Time.SetUtcNow(DateTimeOffset.UtcNow);
        await _keycard.SeedAsync();
        await _keycard.AddClientAsync(KeycardFactory.NewClient(ClientId) with
        {
            RedirectUris = [AppOrigin + "/signin-oidc"],
            PostLogoutRedirectUris = [AppOrigin + "/signout-callback-oidc"],
        });

        var keycardHandler = _keycard.Server.CreateHandler();
        _app = AspNetCoreOpenIdConnectHandlerApp.Build(web => web.UseTestServer(o => o.BaseAddress = new Uri(AppOrigin)), () => KeycardOrigin, keycardHandler);
        await _app.StartAsync();
        _browser = new Browser(new Dictionary<string, HttpMessageHandler>
        {
            [KeycardOrigin] = keycardHandler,
            [AppOrigin] = _app.GetTestServer().CreateHandler(),
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _keycard.Dispose();
    }

    [Fact]
    public async Task SignInAndOut_WithTheOpenIdConnectHandler_ReadsClaimsAndEndsKeycardsSession()
    {
        // 1. The app challenges: Keycard's /oauth2/authorize, found through discovery, with PKCE and a nonce.
        var (page, pageUrl) = await _browser.FollowAsync(AppOrigin + "/");
        Assert.StartsWith(KeycardOrigin + "/oauth2/authorize?", pageUrl.ToString(), StringComparison.Ordinal);
        var authorize = OAuthForms.Query(pageUrl);
        Assert.Equal("S256", authorize["code_challenge_method"]);
        Assert.True(authorize.ContainsKey("nonce"));
        Assert.Equal("form_post", authorize["response_mode"]);

        // 2. The user signs in; Keycard answers the handler's default response_mode=form_post with a page that posts
        //    the code to /signin-oidc (Form Post Response Mode §2); the handler redeems it, validates the ID token
        //    (signature, nonce, at_hash) and reads UserInfo.
        using var signedIn = await _browser.SignInAsync(page, pageUrl);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        var (posted, postedUrl) = await _browser.SubmitFormPostAsync(signedIn, pageUrl);
        Assert.Equal(AppOrigin + "/signin-oidc", postedUrl.ToString());
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var (home, homeUrl) = await _browser.FollowAsync(new Uri(postedUrl, posted.Headers.Location!).ToString());

        Assert.Equal(AppOrigin + "/", homeUrl.ToString());
        var text = await home.Content.ReadAsStringAsync();
        Assert.Matches("^sub=[0-9]+; name=Alice Liddell; email=alice@example.com; amr=pwd$", text);

        // 3. Sign-out: the handler sends id_token_hint and its post_logout_redirect_uri to end_session; Keycard ends the
        //    session and sends the browser back, and the handler lands it on /bye.
        var (bye, byeUrl) = await _browser.FollowAsync(AppOrigin + "/logout");

        Assert.Equal(AppOrigin + "/bye", byeUrl.ToString());
        Assert.Equal("bye", await bye.Content.ReadAsStringAsync());

        // 4. Keycard's session is over: the same authorization request shows the sign-in form again.
        using var again = await _browser.GetAsync(pageUrl.ToString());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True(await SignInForm.IsFormAsync(again));
    }
}
