using System.Net;
using System.Text.RegularExpressions;
using Keycard.Core.Tokens;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.Security;

/// <summary>
/// The sign-in page: CSRF (OWASP CSRF Prevention Cheat Sheet), clickjacking (RFC 9700 §4.16), XSS (OWASP XSS
/// Prevention rule 1), 303 after the credential POST (RFC 9700 §4.11), and cookie flags (OWASP Session Management).
/// </summary>
public sealed partial class LoginPageSecurityTests : IAsyncLifetime
{
    private readonly KeycardFactory _factory = new();
    private LoginPageClient _page = null!;
    private readonly string _query = LoginPageClient.DefaultQuery();

    public async Task InitializeAsync()
    {
        await _factory.SeedAsync();
        _page = LoginPageClient.Create(_factory);
    }

    public Task DisposeAsync()
    {
        _factory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Form_Served_CarriesAntiforgeryTokenAndProtectiveHeaders()
    {
        var (response, html) = await _page.GetAsync(_query);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(LoginPageClient.ExtractToken(html));
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);

        // No third-party resources: every src and href points back at Keycard.
        foreach (Match reference in ResourceReference().Matches(html))
        {
            Assert.StartsWith("/", reference.Groups[1].Value, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Post_WithoutAntiforgeryToken_IssuesNothing()
    {
        await _page.GetTokenAsync(_query);

        using var response = await _page.PostAsync(_query, KeycardFactory.UserName, KeycardFactory.Password, token: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal(0, await CountCodesAsync());
    }

    [Fact]
    public async Task Post_WithoutAntiforgeryCookie_IssuesNothing()
    {
        var token = await _page.GetTokenAsync(_query);
        var cookieless = LoginPageClient.Create(_factory);

        using var response = await cookieless.PostAsync(_query, KeycardFactory.UserName, KeycardFactory.Password, token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await CountCodesAsync());
    }

    [Fact]
    public async Task Post_FromCrossSiteOrigin_IssuesNothingEvenWithValidToken()
    {
        var token = await _page.GetTokenAsync(_query);

        using var response = await _page.PostAsync(_query, KeycardFactory.UserName, KeycardFactory.Password, token, origin: "https://evil.example");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal(0, await CountCodesAsync());
    }

    [Fact]
    public async Task Post_OriginNullWithValidToken_SignsInWith303()
    {
        // Chromium sends "Origin: null" for a form on a page served with Referrer-Policy: no-referrer.
        using var response = await _page.SignInAsync(_query, origin: "null");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.StartsWith(KeycardFactory.RedirectUri + "#code=", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(1, await CountCodesAsync());
    }

    [Fact]
    public async Task Post_SameOriginWithValidToken_SignsInWith303()
    {
        using var response = await _page.SignInAsync(_query, origin: "http://localhost");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Contains("state=xyz", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Form_ScriptInStateClientNameUserNameAndErrorText_IsHtmlEncoded()
    {
        const string Payload = "<script>alert(1)</script>";
        await _factory.AddClientAsync(KeycardFactory.NewClient("xss") with { Name = Payload, AllowedScopes = ["email"] });

        var (stateResponse, stateHtml) = await _page.GetAsync(LoginPageClient.DefaultQuery(state: "\"><script>alert(1)</script>", clientId: "xss"));
        var (errorResponse, _) = await _page.GetAsync(LoginPageClient.DefaultQuery(clientId: "xss", scope: Payload));
        var token = LoginPageClient.ExtractToken(stateHtml);
        using var failed = await _page.PostAsync(LoginPageClient.DefaultQuery(clientId: "xss"), Payload, "wrong password", token);
        var failedHtml = await failed.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, stateResponse.StatusCode);
        Assert.Contains("&lt;script&gt;", stateHtml, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", failedHtml, StringComparison.Ordinal);

        // The scope error goes back to the client (RFC 6749 §4.1.2.1), percent-encoded in the fragment.
        Assert.Equal(HttpStatusCode.Found, errorResponse.StatusCode);
        Assert.DoesNotContain("<", errorResponse.Headers.Location!.OriginalString, StringComparison.Ordinal);
        foreach (var html in new[] { stateHtml, failedHtml })
        {
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Cookies_OverHttp_AreHttpOnlyAndSameSiteStrict()
    {
        var (response, _) = await _page.GetAsync(_query);

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Cookies_OverHttps_AreSecure()
    {
        var https = LoginPageClient.Create(_factory, "https://localhost");

        var (response, _) = await https.GetAsync(_query);

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.Contains("secure", cookie.Split(';').Select(p => p.Trim().ToLowerInvariant()));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<int> CountCodesAsync()
    {
        var rows = await TokenDatabase.ReadTableAsync(_factory.DatabasePath, "tokens");
        return rows.Count(r => Convert.ToInt32(r["Kind"], System.Globalization.CultureInfo.InvariantCulture) == (int)TokenKind.AuthorizationCode);
    }

    [GeneratedRegex("(?:src|href|action)=\"([^\"]*)\"")]
    private static partial Regex ResourceReference();
}
