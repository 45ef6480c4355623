using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Server.Tests.Interop;

/// <summary>
/// ASP.NET Core's own OAuth handler (Microsoft.AspNetCore.Authentication.OAuth) signs a user in to a small web app
/// through <c>/oauth2/authorize</c> and <c>/oauth2/token</c>, PKCE on, with nothing Keycard-specific but the URLs.
/// Keycard and the app each run on a TestServer; a <see cref="Browser"/> carries cookies and redirects between them.
/// </summary>
public sealed class AspNetCoreOAuthHandlerTests : IAsyncLifetime
{
    private const string AppOrigin = "https://app.test";
    private const string KeycardOrigin = "http://localhost";
    private const string CallbackPath = "/signin-keycard";

    private readonly KeycardFactory _keycard = new();
    private WebApplication _app = null!;
    private Browser _browser = null!;

    public async Task InitializeAsync()
    {
        await _keycard.SeedAsync();
        await _keycard.AddClientAsync(KeycardFactory.NewClient("aspnet-app") with
        {
            IsConfidential = true,
            SecretHash = Keycard.Core.Security.SecureToken.Hash("aspnet-app-secret-0123456789abcdefghijkl"),
            RedirectUris = [AppOrigin + CallbackPath],
        });

        var keycardHandler = _keycard.Server.CreateHandler();
        _app = BuildApp(keycardHandler);
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

    private static WebApplication BuildApp(HttpMessageHandler keycardBackchannel)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer(o => o.BaseAddress = new Uri(AppOrigin));
        builder.Services
            .AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = "keycard";
            })
            .AddCookie()
            .AddOAuth("keycard", o =>
            {
                o.ClientId = "aspnet-app";
                o.ClientSecret = "aspnet-app-secret-0123456789abcdefghijkl";
                o.AuthorizationEndpoint = KeycardOrigin + "/oauth2/authorize";
                o.TokenEndpoint = KeycardOrigin + "/oauth2/token";
                o.CallbackPath = CallbackPath;
                o.UsePkce = true;
                o.SaveTokens = true;
                o.Scope.Add("email");
                o.BackchannelHttpHandler = keycardBackchannel;
                o.Events.OnCreatingTicket = async context =>
                {
                    // The app learns who signed in from Keycard's API with the new token as a Bearer (RFC 6750 §2.1).
                    using var request = new HttpRequestMessage(HttpMethod.Get, KeycardOrigin + "/external/api/rest/v2/users/me");
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", context.AccessToken);
                    using var response = await context.Backchannel.SendAsync(request, context.HttpContext.RequestAborted);
                    response.EnsureSuccessStatusCode();
                    var me = await response.Content.ReadFromJsonAsync<JsonElement>();
                    context.Identity!.AddClaim(new Claim(ClaimTypes.Name, me.GetProperty("userName").GetString()!));
                };
            });
        builder.Services.AddAuthorization();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/", async (HttpContext context) =>
        {
            var expiresAt = await context.GetTokenAsync("expires_at");
            var refresh = await context.GetTokenAsync("refresh_token");
            return Results.Text($"Hello {context.User.Identity!.Name}; refresh={(refresh is null ? "no" : "yes")}; expires_at={expiresAt}");
        }).RequireAuthorization();
        return app;
    }

    [Fact]
    public async Task SignIn_ThroughAuthorizeAndToken_SignsTheUserInToTheApp()
    {
        // 1. The app challenges: a redirect to Keycard's /oauth2/authorize with a PKCE challenge.
        var (page, pageUrl) = await _browser.FollowAsync(AppOrigin + "/");
        Assert.StartsWith(KeycardOrigin + "/oauth2/authorize?", pageUrl.ToString(), StringComparison.Ordinal);
        var authorizeQuery = OAuthForms.Query(pageUrl);
        Assert.Equal("S256", authorizeQuery["code_challenge_method"]);

        // 2. The user signs in on Keycard's form; Keycard sends the browser back to the app's callback with the code.
        using var signedIn = await _browser.SignInAsync(page, pageUrl);
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        var callback = signedIn.Headers.Location!.ToString();
        Assert.StartsWith(AppOrigin + CallbackPath + "?code=", callback, StringComparison.Ordinal);

        // 3. The handler exchanges the code (client_secret_post + code_verifier) and the app shows the user.
        var (home, homeUrl) = await _browser.FollowAsync(callback);

        Assert.Equal(AppOrigin + "/", homeUrl.ToString());
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        var text = await home.Content.ReadAsStringAsync();
        Assert.StartsWith("Hello alice; refresh=yes; expires_at=", text, StringComparison.Ordinal);

        // expires_in was read as seconds: about an hour from now, not a thousand hours.
        var expiresAt = DateTimeOffset.Parse(text.Split("expires_at=")[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(65));
    }

    [Fact]
    public async Task SignIn_SecondAppSessionInTheSameBrowser_SkipsKeycardsForm()
    {
        await SignIn_ThroughAuthorizeAndToken_SignsTheUserInToTheApp();
        foreach (Cookie cookie in _browser.Cookies.GetCookies(new Uri(AppOrigin)))
        {
            cookie.Expired = true;
        }

        // The app has forgotten the user, Keycard has not: the round trip completes without a password.
        var (home, homeUrl) = await _browser.FollowAsync(AppOrigin + "/");

        Assert.Equal(AppOrigin + "/", homeUrl.ToString());
        Assert.StartsWith("Hello alice", await home.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
