using System.Net;
using Keycard.Server.Tests.Cli;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Keycard.Server.Tests.Interop;

/// <summary>
/// The same sign-in and sign-out as <see cref="AspNetCoreOpenIdConnectHandlerTests"/>, but against a real
/// <c>keycard serve</c> process set up with the CLI as an operator would (a user, and a public client with its
/// redirect and post-logout redirect URIs), and the app with ASP.NET Core's OpenID Connect handler on real Kestrel.
/// Everything goes over real sockets on 127.0.0.1; a <see cref="Browser"/> carries the cookies and follows redirects.
/// </summary>
public sealed class AspNetCoreOpenIdConnectHandlerServeTests : IAsyncLifetime
{
    private const string ClientId = AspNetCoreOpenIdConnectHandlerApp.ClientId;
    private const string Password = "a long enough password for alice";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "keycard-oidc-serve", Guid.NewGuid().ToString("N"));
    private readonly SocketsHttpHandler _http = new() { AllowAutoRedirect = false, UseCookies = false };
    private WebApplication _app = null!;
    private KeycardServerProcess _keycard = null!;
    private string _appOrigin = null!;
    private string? _keycardOrigin;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);

        // The app first, on a port of its own: the client's redirect URIs name it. The handler reads Keycard's
        // address (its Authority) only when the first request needs it, after Keycard has started.
        _app = AspNetCoreOpenIdConnectHandlerApp.Build(
            web => web.UseUrls("http://127.0.0.1:0"),
            () => _keycardOrigin ?? throw new InvalidOperationException("Keycard has not started."),
            _http,
            plainHttp: true);
        await _app.StartAsync();
        _appOrigin = _app.Urls.Single().TrimEnd('/');

        var (userExit, _, userError) = await KeycardProcess.RunInAsync(
            _folder, Password, "user", "add", "alice", "--email", "alice@example.com", "--first-name", "Alice", "--last-name", "Liddell", "--password-stdin");
        Assert.True(userExit == 0, userError);
        var (clientExit, _, clientError) = await KeycardProcess.RunInAsync(
            _folder, null, "client", "add", ClientId, "--name", "OIDC app",
            "--redirect-uri", _appOrigin + "/signin-oidc",
            "--post-logout-redirect-uri", _appOrigin + "/signout-callback-oidc");
        Assert.True(clientExit == 0, clientError);

        _keycard = await KeycardServerProcess.StartAsync(_folder, "Keycard listening on");
        _keycardOrigin = _keycard.Url;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        if (_keycard is not null)
        {
            await _keycard.DisposeAsync();
        }

        _http.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the stopped process; the temporary folder is cleaned later.
        }
    }

    [Fact]
    public async Task SignInAndOut_AgainstKeycardServe_ReadsClaimsAndEndsKeycardsSession()
    {
        var browser = new Browser(new Dictionary<string, HttpMessageHandler>
        {
            [_keycardOrigin!] = _http,
            [_appOrigin] = _http,
        });

        // 1. The app challenges: keycard serve's /oauth2/authorize, found through discovery, with PKCE and a nonce.
        var (page, pageUrl) = await browser.FollowAsync(_appOrigin + "/");
        Assert.StartsWith(_keycardOrigin + "/oauth2/authorize?", pageUrl.ToString(), StringComparison.Ordinal);
        var authorize = OAuthForms.Query(pageUrl);
        Assert.Equal("S256", authorize["code_challenge_method"]);
        Assert.True(authorize.ContainsKey("nonce"));
        Assert.Equal("form_post", authorize["response_mode"]);

        // 2. The user signs in with the form (and its anti-forgery field); Keycard's form post page (the handler's
        //    default response mode) carries the code to /signin-oidc; the handler redeems it over the network,
        //    validates the ID token against the JWKS and reads UserInfo.
        using var signedIn = await browser.SignInAsync(page, pageUrl, "alice", Password);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        var (posted, postedUrl) = await browser.SubmitFormPostAsync(signedIn, pageUrl);
        Assert.Equal(_appOrigin + "/signin-oidc", postedUrl.ToString());
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var (home, homeUrl) = await browser.FollowAsync(new Uri(postedUrl, posted.Headers.Location!).ToString());

        Assert.Equal(_appOrigin + "/", homeUrl.ToString());
        var text = await home.Content.ReadAsStringAsync();
        Assert.Matches("^sub=[0-9]+; name=Alice Liddell; email=alice@example.com; amr=pwd$", text);

        // 3. Sign-out through end_session (RP-Initiated Logout 1.0 §2, §3): id_token_hint and the registered
        //    post_logout_redirect_uri, so Keycard ends the session without asking and sends the browser back.
        var (bye, byeUrl) = await browser.FollowAsync(_appOrigin + "/logout");

        Assert.Equal(_appOrigin + "/bye", byeUrl.ToString());
        Assert.Equal("bye", await bye.Content.ReadAsStringAsync());

        // 4. Keycard's session is over: the same authorization request shows the sign-in form again.
        using var again = await browser.GetAsync(pageUrl.ToString());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True(await SignInForm.IsFormAsync(again));
    }
}
