using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Keycard.Server.Tests.Security;

/// <summary>
/// Hostile input gets a quick 400 with an error code, never a 500 or a slow request: size limits on every value
/// Keycard reads, RFC 3986 §2.1 percent-encoding, UTF-8, RFC 6749 §3.1 duplicates, and no control characters.
/// </summary>
public sealed class InputValidationTests : IAsyncLifetime
{
    private readonly KeycardFactory _factory = new();
    private HttpClient _http = null!;
    private IOfficeClient _api = null!;

    public async Task InitializeAsync()
    {
        await _factory.SeedAsync();
        _http = _factory.CreateClient();
        _api = new IOfficeClient(_http);
    }

    public Task DisposeAsync()
    {
        _factory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task LoginPage_OneMegabyteState_Is400Quickly()
    {
        var watch = Stopwatch.StartNew();
        using var response = await _http.GetAsync("/login.html?" + LoginPageClient.DefaultQuery(state: new string('s', 1024 * 1024)));
        watch.Stop();

        await HtmlErrorAsync(response, "longer than");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Token_OneMegabyteScopeHeader_Is400Quickly()
    {
        var code = await _api.GetCodeAsync();
        var watch = Stopwatch.StartNew();
        using var response = await _api.ExchangeAsync(code, scope: new string('s', 1024 * 1024));
        watch.Stop();

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData("state=%zz", "percent-encoding")]
    [InlineData("state=abc%", "percent-encoding")]
    [InlineData("state=%C3%28", "UTF-8")]
    [InlineData("state=%FF%FE", "UTF-8")]
    public async Task LoginPage_MalformedQuery_Is400PageNamingTheProblem(string state, string problem)
    {
        // Sent raw, as a server receives it: HttpClient would re-escape a lone '%'.
        var raw = "?" + LoginPageClient.DefaultQuery().Replace("state=xyz", state, StringComparison.Ordinal);
        var context = await _factory.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/login.html";
            c.Request.QueryString = new QueryString(raw);
        });

        // The sign-in page's dialect is HTML: a browser reads the answer (ErrorDialectTests walks every route).
        Assert.Equal(StatusCodes.Status400BadRequest, context.Response.StatusCode);
        Assert.StartsWith("text/html", context.Response.ContentType, StringComparison.Ordinal);
        Assert.Contains(problem, await new StreamReader(context.Response.Body).ReadToEndAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("state=a%01b")]
    [InlineData("state=a%0D%0Ab")]
    [InlineData("state=a%00b")]
    public async Task LoginPage_ControlCharacterInState_RedirectsInvalidRequestWithoutTheState(string state)
    {
        // RFC 6749 §4.1.2.1: the client and redirect URI are good, so the error goes back to the client.
        var page = LoginPageClient.Create(_factory);
        var (response, _) = await page.GetAsync(LoginPageClient.DefaultQuery().Replace("state=xyz", state, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var fragment = LoginForm.FragmentOf(response.Headers.Location!);
        Assert.Equal("invalid_request", fragment["error"]);
        Assert.Contains("control character", fragment["error_description"], StringComparison.Ordinal);
        Assert.False(fragment.ContainsKey("state"));
    }

    [Fact]
    public async Task LoginPage_DuplicateParameter_Is400()
    {
        using var response = await _http.GetAsync("/login.html?" + LoginPageClient.DefaultQuery() + "&client_id=webapp");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("more than once", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginPage_PostWithControlCharacterInUserName_Is400AndIssuesNothing()
    {
        var page = LoginPageClient.Create(_factory);
        var token = await page.GetTokenAsync(LoginPageClient.DefaultQuery());

        using var response = await page.PostAsync(LoginPageClient.DefaultQuery(), "alice\u0001", KeycardFactory.Password, token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task LoginPage_PostWithDuplicatePassword_Is400()
    {
        var page = LoginPageClient.Create(_factory);
        var token = await page.GetTokenAsync(LoginPageClient.DefaultQuery());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login.html?" + LoginPageClient.DefaultQuery())
        {
            Content = new FormUrlEncodedContent([
                new(LoginPageClient.AntiforgeryField, token),
                new("username", KeycardFactory.UserName),
                new("password", KeycardFactory.Password),
                new("password", "another"),
            ]),
        };

        using var response = await page.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task LoginPage_PostWithMalformedPercentEncoding_Is400AndIssuesNothing()
    {
        var page = LoginPageClient.Create(_factory);
        var token = await page.GetTokenAsync(LoginPageClient.DefaultQuery());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login.html?" + LoginPageClient.DefaultQuery())
        {
            Content = new StringContent(
                LoginPageClient.AntiforgeryField + "=" + Uri.EscapeDataString(token) + "&username=alice&password=" + Uri.EscapeDataString(KeycardFactory.Password) + "%zz",
                System.Text.Encoding.ASCII,
                "application/x-www-form-urlencoded"),
        };

        using var response = await page.Http.SendAsync(request);

        await HtmlErrorAsync(response, "percent-encoding");
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task LoginPage_PostWithOversizedForm_Is400()
    {
        var page = LoginPageClient.Create(_factory);
        var token = await page.GetTokenAsync(LoginPageClient.DefaultQuery());

        using var response = await page.PostAsync(LoginPageClient.DefaultQuery(), KeycardFactory.UserName, new string('p', 1024 * 1024), token);

        await HtmlErrorAsync(response, "longer than");
    }

    [Fact]
    public async Task Token_DuplicateHeader_Is400WithErrorCode()
    {
        var code = await _api.GetCodeAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/external/api/oauth2/token");
        request.Headers.Add("x-grant-type", "authorization_code");
        request.Headers.Add("x-redirect-uri", KeycardFactory.RedirectUri);
        request.Headers.TryAddWithoutValidation("x-client-id", [KeycardFactory.PublicClientId, KeycardFactory.ConfidentialClientId]);
        request.Headers.Add("x-scope", "email");
        request.Headers.Add("x-auth-code", code);

        using var response = await _http.SendAsync(request);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains("more than once", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auth_ControlCharacterInHeader_Is400WithErrorCode()
    {
        using var response = await _api.AuthAsync("alice\u0007", KeycardFactory.Password, KeycardFactory.PublicClientId);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Api_OneMegabyteAccessTokenQuery_Is400()
    {
        using var response = await _http.GetAsync("/external/api/rest/v2/users/me?access_token=" + new string('a', 1024 * 1024));

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    private static async Task HtmlErrorAsync(HttpResponseMessage response, string problem)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(problem, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
