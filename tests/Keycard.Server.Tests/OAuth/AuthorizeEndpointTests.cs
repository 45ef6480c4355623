using System.Net;
using Keycard.Core.Security;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.OAuth;

/// <summary>RFC 6749 §4.1.1–§4.1.2.1 and RFC 7636 §4.3–§4.4 on <c>/oauth2/authorize</c>.</summary>
public sealed class AuthorizeEndpointTests : OAuthTestBase
{
    [Fact]
    public async Task Authorize_ValidRequest_ShowsTheSignInForm()
    {
        using var page = await Http.GetAsync(OAuthForms.AuthorizeUrl());

        Assert.True(await SignInForm.IsFormAsync(page));
        Assert.Contains("Test app spa", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_SignedIn_RedirectsWithCodeStateAndIssInTheQuery()
    {
        using var redirect = await AuthorizeAndSignInAsync(OAuthForms.AuthorizeUrl(state: "s t/ä"));

        // RFC 6749 §4.1.2: code and the exact state in the query; RFC 9207 §2: iss beside them.
        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
        var query = OAuthForms.ReadRedirect(redirect);
        Assert.Equal(SecureToken.OrderedTokenLength, query["code"].Length);
        Assert.Equal("s t/ä", query["state"]);
        Assert.Equal("http://localhost", query["iss"]);
        Assert.DoesNotContain("#", redirect.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_WrongPassword_ShowsTheFormAgainAndIssuesNoCode()
    {
        using var response = await AuthorizeAndSignInAsync(OAuthForms.AuthorizeUrl(), password: "wrong");

        Assert.Null(response.Headers.Location);
        Assert.True(await SignInForm.IsFormAsync(response));
        Assert.Contains("incorrect", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unknown-client", KeycardFactory.RedirectUri)]
    [InlineData(KeycardFactory.PublicClientId, "https://evil.example.com/callback")]
    [InlineData(KeycardFactory.PublicClientId, "https://app.example.com/callback/")]
    public async Task Authorize_UntrustedClientOrRedirectUri_ShowsAnErrorPageAndNeverRedirects(string clientId, string redirectUri)
    {
        // RFC 6749 §4.1.2.1: "MUST NOT automatically redirect the user-agent to the invalid redirection URI".
        using var response = await Http.GetAsync(OAuthForms.AuthorizeUrl(clientId, redirectUri));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Authorize_NoRedirectUriAndOneRegistered_UsesItAndTheExchangeNeedsNone()
    {
        // RFC 6749 §3.1.2.3 / §4.1.3: redirect_uri is required in the token request only if it was in the authorization request.
        var code = await GetCodeAsync(OAuthForms.AuthorizeUrl(redirectUri: null));

        using var response = await ExchangeAsync(code, redirectUri: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Authorize_NoRedirectUriAndTwoRegistered_ShowsAnErrorPage()
    {
        await Factory.AddClientAsync(KeycardFactory.NewClient("two") with { RedirectUris = [KeycardFactory.RedirectUri, "https://app.example.com/other"] });

        using var response = await Http.GetAsync(OAuthForms.AuthorizeUrl("two", redirectUri: null));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData("token", "unsupported_response_type")]
    [InlineData("code id_token", "unsupported_response_type")]
    [InlineData(null, "invalid_request")]
    public async Task Authorize_BadResponseType_RedirectsTheErrorWithState(string? responseType, string error)
    {
        using var response = await Http.GetAsync(OAuthForms.AuthorizeUrl(responseType: responseType));

        // RFC 6749 §4.1.2.1: error, error_description and the client's state, in the query.
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var query = OAuthForms.ReadRedirect(response);
        Assert.Equal(error, query["error"]);
        Assert.False(string.IsNullOrWhiteSpace(query["error_description"]));
        Assert.Equal("xyz", query["state"]);
        Assert.Equal("http://localhost", query["iss"]);
        Assert.False(query.ContainsKey("code"));
    }

    [Fact]
    public async Task Authorize_PublicClientWithoutPkce_RedirectsInvalidRequest()
    {
        // OAuth 2.1 §4.1.1 / RFC 9700 §2.1.1: public clients MUST use PKCE.
        using var response = await Http.GetAsync(OAuthForms.AuthorizeUrl(challenge: "", method: null));

        Assert.Equal("invalid_request", OAuthForms.ReadRedirect(response)["error"]);
    }

    [Fact]
    public async Task Authorize_PlainChallengeMethod_RedirectsInvalidRequest()
    {
        // RFC 7636 §4.4.1: a method the server does not support is invalid_request; only S256 is offered.
        using var response = await Http.GetAsync(OAuthForms.AuthorizeUrl(challenge: OAuthForms.Verifier, method: "plain"));

        Assert.Equal("invalid_request", OAuthForms.ReadRedirect(response)["error"]);
    }

    [Fact]
    public async Task Authorize_ChallengeWithoutMethod_RedirectsInvalidRequest()
    {
        // RFC 7636 §4.3: the method defaults to plain, which Keycard does not support.
        using var response = await Http.GetAsync(OAuthForms.AuthorizeUrl(method: null));

        Assert.Equal("invalid_request", OAuthForms.ReadRedirect(response)["error"]);
    }

    [Fact]
    public async Task Authorize_ConfidentialClientWithoutPkce_ShowsTheForm()
    {
        using var page = await Http.GetAsync(OAuthForms.AuthorizeUrl(KeycardFactory.ConfidentialClientId, challenge: "", method: null));

        Assert.True(await SignInForm.IsFormAsync(page));
    }

    [Fact]
    public async Task Authorize_ConfidentialClientRegisteredToRequirePkceWithoutIt_RedirectsInvalidRequest()
    {
        await Factory.AddClientAsync(KeycardFactory.NewClient("strict") with { IsConfidential = true, SecretHash = new byte[32], RequirePkce = true });

        using var response = await Http.GetAsync(OAuthForms.AuthorizeUrl("strict", challenge: "", method: null));

        Assert.Equal("invalid_request", OAuthForms.ReadRedirect(response)["error"]);
    }

    [Fact]
    public async Task Authorize_ScopeTheClientMayNotRequest_RedirectsInvalidScope()
    {
        await Factory.AddClientAsync(KeycardFactory.NewClient("scoped") with { AllowedScopes = ["email"] });

        using var response = await Http.GetAsync(OAuthForms.AuthorizeUrl("scoped", scope: "email admin"));

        Assert.Equal("invalid_scope", OAuthForms.ReadRedirect(response)["error"]);
    }

    [Fact]
    public async Task Authorize_ParameterSentTwice_IsRefused()
    {
        // RFC 6749 §3.1: request parameters MUST NOT be included more than once.
        using var response = await Http.GetAsync(OAuthForms.AuthorizeUrl() + "&client_id=other");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData(129)]
    [InlineData(600)]
    public async Task Authorize_ChallengeTooLong_RedirectsInvalidRequestWithState(int length)
    {
        // RFC 6749 §4.1.2.1: a length limit is an invalid request like any other, sent back to a known client.
        using var response = await Http.GetAsync(OAuthForms.AuthorizeUrl(challenge: new string('a', length)));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var query = OAuthForms.ReadRedirect(response);
        Assert.Equal("invalid_request", query["error"]);
        Assert.Equal("xyz", query["state"]);
    }

    [Fact]
    public async Task Authorize_ScopeSentTwice_RedirectsInvalidRequest()
    {
        using var response = await Http.GetAsync(OAuthForms.AuthorizeUrl() + "&scope=email");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("invalid_request", OAuthForms.ReadRedirect(response)["error"]);
    }

    [Fact]
    public async Task Authorize_RedirectUriWithItsOwnQuery_KeepsThatQuery()
    {
        // RFC 6749 §3.1.2: the redirection endpoint's query component MUST be retained.
        const string redirectUri = "https://app.example.com/callback?tenant=42";
        await Factory.AddClientAsync(KeycardFactory.NewClient("query") with { RedirectUris = [redirectUri] });

        using var redirect = await AuthorizeAndSignInAsync(OAuthForms.AuthorizeUrl("query", redirectUri));

        var location = redirect.Headers.Location!;
        var query = OAuthForms.Query(location);
        Assert.Equal("42", query["tenant"]);
        Assert.True(query.ContainsKey("code"));
    }

    [Fact]
    public async Task Authorize_OmittedScopeAndState_IssuesACodeWithoutThem()
    {
        using var redirect = await AuthorizeAndSignInAsync(OAuthForms.AuthorizeUrl(scope: null, state: null));

        var query = OAuthForms.ReadRedirect(redirect);
        Assert.True(query.ContainsKey("code"));
        Assert.False(query.ContainsKey("state"));
    }
}
