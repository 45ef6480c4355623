using System.Net;
using Keycard.Server.Tests.Infrastructure;
using Keycard.Server.Tests.IOffice;

namespace Keycard.Server.Tests.Login;

public sealed class LoginPageTests : IOfficeTestBase
{
    [Fact]
    public async Task Get_FiveValidParameters_ShowsTheFormWithTheClientName()
    {
        using var response = await Client.Http.GetAsync(LoginForm.Url());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Test app spa", html, StringComparison.Ordinal);
        Assert.Contains("name=\"password\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("response_type")]
    [InlineData("client_id")]
    [InlineData("redirect_uri")]
    [InlineData("scope")]
    [InlineData("state")]
    public async Task Get_MissingParameter_ShowsErrorPageNamingItAndNeverRedirects(string missing)
    {
        var url = RemoveParameter(LoginForm.Url(), missing);

        using var response = await Client.Http.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains($"<code>{missing}</code>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_UnknownClient_ShowsErrorPageNamingClientId()
    {
        using var response = await Client.Http.GetAsync(LoginForm.Url(clientId: "nobody"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("<code>client_id</code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.example.com/callback")]
    [InlineData("https://app.example.com/callback/")]
    [InlineData("https://app.example.com/callback?x=1")]
    [InlineData("HTTPS://app.example.com/callback")]
    public async Task Get_RedirectUriNotExactlyRegistered_ShowsErrorPageAndNeverRedirects(string redirectUri)
    {
        using var response = await Client.Http.GetAsync(LoginForm.Url(redirectUri: redirectUri));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("<code>redirect_uri</code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("response_type=token", "unsupported_response_type")]
    [InlineData("code_challenge_method=plain&code_challenge=" + Verifier43, "invalid_request")]
    [InlineData("code_challenge_method=S256&code_challenge=" + Challenge129, "invalid_request")]
    [InlineData("scope=not-registered", "invalid_scope")]
    [InlineData("scope=email&scope=email", "invalid_request")]
    public async Task Get_InvalidRequestFromAKnownClient_RedirectsTheErrorAndStateInTheFragment(string parameters, string error)
    {
        // RFC 6749 §4.1.2.1: once client_id and redirect_uri are known good, errors go back to the client, here in
        // the fragment, where the guide's client reads its code.
        await Factory.AddClientAsync(KeycardFactory.NewClient("scoped") with { AllowedScopes = ["email"] });
        var url = WithParameters(LoginForm.Url(clientId: "scoped"), parameters);

        using var response = await Client.Http.GetAsync(url);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(KeycardFactory.RedirectUri + "#error=", location.OriginalString, StringComparison.Ordinal);
        var fragment = LoginForm.FragmentOf(location);
        Assert.Equal(error, fragment["error"]);
        Assert.False(string.IsNullOrWhiteSpace(fragment["error_description"]));
        Assert.Equal("xyz", fragment["state"]);
        Assert.False(fragment.ContainsKey("code"));
    }

    [Fact]
    public async Task Get_StateTooLong_RedirectsTheErrorWithoutEchoingIt()
    {
        using var response = await Client.Http.GetAsync(LoginForm.Url(state: new string('s', 2001)));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var fragment = LoginForm.FragmentOf(response.Headers.Location!);
        Assert.Equal("invalid_request", fragment["error"]);
        Assert.False(fragment.ContainsKey("state"));
    }

    [Fact]
    public async Task Get_ClientIdSentTwice_ShowsErrorPageAndNeverRedirects()
    {
        using var response = await Client.Http.GetAsync(LoginForm.Url() + "&client_id=" + KeycardFactory.PublicClientId);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Post_RightPassword_Redirects303WithCodeAppCodeAndStateInTheFragment()
    {
        using var response = await LoginForm.SignInAsync(Client.Http, LoginForm.Url(state: "st ate/1"), KeycardFactory.UserName, KeycardFactory.Password);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(KeycardFactory.RedirectUri + "#code=", location.OriginalString, StringComparison.Ordinal);
        var fragment = LoginForm.FragmentOf(location);
        Assert.Equal("spa-code", fragment["appCode"]);
        Assert.Equal("st ate/1", fragment["state"]);

        using var exchange = await Client.ExchangeAsync(fragment["code"]);
        Assert.Equal(HttpStatusCode.OK, exchange.StatusCode);
    }

    [Fact]
    public async Task Post_CodeFromThePage_IsBoundToItsScope()
    {
        using var response = await LoginForm.SignInAsync(Client.Http, LoginForm.Url(scope: "email"), KeycardFactory.UserName, KeycardFactory.Password);
        var code = LoginForm.FragmentOf(response.Headers.Location!)["code"];

        using var exchange = await Client.ExchangeAsync(code, scope: "profile");

        await ResponseAssert.ErrorAsync(exchange, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Post_ClientWithoutAppCode_UsesTheClientIdAsAppCode()
    {
        await Factory.AddClientAsync(KeycardFactory.NewClient("plain") with { AppCode = "plain" });

        using var response = await LoginForm.SignInAsync(Client.Http, LoginForm.Url(clientId: "plain"), KeycardFactory.UserName, KeycardFactory.Password);

        Assert.Equal("plain", LoginForm.FragmentOf(response.Headers.Location!)["appCode"]);
    }

    [Fact]
    public async Task Post_WrongPasswordOrUnknownUser_ReshowsTheFormWithOneGenericMessage()
    {
        using var wrong = await LoginForm.SignInAsync(Client.Http, LoginForm.Url(), KeycardFactory.UserName, "wrong password");
        using var unknown = await LoginForm.SignInAsync(Client.Http, LoginForm.Url(), "nobody", "wrong password");

        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Null(wrong.Headers.Location);
        var wrongHtml = await wrong.Content.ReadAsStringAsync();
        var unknownHtml = await unknown.Content.ReadAsStringAsync();
        Assert.Contains("The username or password is incorrect.", wrongHtml, StringComparison.Ordinal);
        Assert.Contains("The username or password is incorrect.", unknownHtml, StringComparison.Ordinal);
        Assert.Contains("name=\"password\"", wrongHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stylesheet_IsServedAsCss()
    {
        using var response = await Client.Http.GetAsync("/assets/keycard.css");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
    }

    private const string Verifier43 = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    private const string Challenge129 = Verifier43 + Verifier43 + Verifier43;

    /// <summary>Replaces the URL's parameters of the same names with the given ones (added when absent).</summary>
    private static string WithParameters(string url, string parameters)
    {
        var names = parameters.Split('&').Select(p => p.Split('=')[0]).ToHashSet(StringComparer.Ordinal);
        var kept = url.Split('?', 2)[1].Split('&').Where(p => !names.Contains(p.Split('=')[0]));
        return url.Split('?', 2)[0] + "?" + string.Join('&', kept.Append(parameters));
    }

    private static string RemoveParameter(string url, string name)
    {
        var parts = url.Split('?', 2);
        var kept = parts[1].Split('&').Where(p => !p.StartsWith(name + "=", StringComparison.Ordinal));
        return parts[0] + "?" + string.Join('&', kept);
    }
}
