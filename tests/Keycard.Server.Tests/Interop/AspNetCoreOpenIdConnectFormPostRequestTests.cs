using System.Net;
using System.Text.RegularExpressions;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;

namespace Keycard.Server.Tests.Interop;

/// <summary>
/// ASP.NET Core's OpenID Connect handler set to send its authorization request as an auto-submitting form
/// (<see cref="OpenIdConnectRedirectBehavior.FormPost"/>): Keycard must take the request by POST (OpenID Connect Core
/// §3.1.2.1) and sign the user in as it does for the GET.
/// </summary>
public sealed partial class AspNetCoreOpenIdConnectFormPostRequestTests : IAsyncLifetime
{
    private const string AppOrigin = "https://app.test";
    private const string KeycardOrigin = "http://localhost";

    private readonly KeycardFactory _keycard = new();
    private WebApplication _app = null!;
    private Browser _browser = null!;

    public async Task InitializeAsync()
    {
        // The handler checks ID token lifetimes against the real clock.
        _keycard.Time.SetUtcNow(DateTimeOffset.UtcNow);
        await _keycard.SeedAsync();
        await _keycard.AddClientAsync(KeycardFactory.NewClient(AspNetCoreOpenIdConnectHandlerApp.ClientId) with { RedirectUris = [AppOrigin + "/signin-oidc"] });

        var keycardHandler = _keycard.Server.CreateHandler();
        _app = AspNetCoreOpenIdConnectHandlerApp.Build(
            web => web.UseTestServer(o => o.BaseAddress = new Uri(AppOrigin)), () => KeycardOrigin, keycardHandler,
            configure: o => o.AuthenticationMethod = OpenIdConnectRedirectBehavior.FormPost);
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
    public async Task SignIn_AuthorizationRequestSentAsAForm_SignsTheUserIn()
    {
        // 1. The app's challenge is a page whose form posts the authorization request to Keycard.
        using var challenge = await _browser.GetAsync(AppOrigin + "/");
        Assert.Equal(HttpStatusCode.OK, challenge.StatusCode);
        var (action, fields) = ReadForm(await challenge.Content.ReadAsStringAsync());
        Assert.Equal(KeycardOrigin + "/oauth2/authorize", action);
        Assert.Contains(fields, f => f.Key == "nonce");

        // 2. The browser posts it, cross-site; Keycard shows its sign-in form.
        using var authorize = new HttpRequestMessage(HttpMethod.Post, action) { Content = new FormUrlEncodedContent(fields) };
        authorize.Headers.Add("Origin", AppOrigin);
        using var page = await _browser.SendAsync(authorize);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        // 3. The user signs in; the code goes back by form post; the handler redeems it and validates the ID token.
        using var signedIn = await _browser.SignInAsync(page, new Uri(action));
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        var (posted, postedUrl) = await _browser.SubmitFormPostAsync(signedIn, new Uri(action));
        Assert.Equal(AppOrigin + "/signin-oidc", postedUrl.ToString());
        var (home, homeUrl) = await _browser.FollowAsync(new Uri(postedUrl, posted.Headers.Location!).ToString());

        Assert.Equal(AppOrigin + "/", homeUrl.ToString());
        Assert.Matches("^sub=[0-9]+; name=Alice Liddell; email=alice@example.com; amr=pwd$", await home.Content.ReadAsStringAsync());
    }

    private static (string Action, List<KeyValuePair<string, string>> Fields) ReadForm(string html)
    {
        var action = FormAction().Match(html);
        Assert.True(action.Success, "The challenge page has no form that posts: " + html);
        var fields = HiddenField().Matches(html)
            .Select(m => KeyValuePair.Create(WebUtility.HtmlDecode(m.Groups[1].Value), WebUtility.HtmlDecode(m.Groups[2].Value)))
            .ToList();
        return (WebUtility.HtmlDecode(action.Groups[1].Value), fields);
    }

    [GeneratedRegex("<form[^>]* method=['\"]post['\"][^>]* action=['\"]([^'\"]*)['\"]", RegexOptions.IgnoreCase)]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=['\"]hidden['\"] name=['\"]([^'\"]*)['\"] value=['\"]([^'\"]*)['\"]", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenField();
}
