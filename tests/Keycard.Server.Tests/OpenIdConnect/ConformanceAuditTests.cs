using System.Net;
using System.Net.Http.Headers;
using Keycard.Server.Tests.Infrastructure;
using Keycard.Server.Tests.OAuth;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Keycard.Server.Tests.OpenIdConnect;

/// <summary>
/// Gaps a black-box audit against the OpenID Connect Basic OP profile and the OAuth RFCs found in the standard dialect,
/// each asserted the way a conformance suite or a relying party observes it.
/// </summary>
public sealed class ConformanceAuditTests : OAuthTestBase
{
    private static readonly Uri AuthorizeEndpoint = new("http://localhost/oauth2/authorize");

    /// <summary>The authorization request's parameters as a relying party posts them (Core §3.1.2.1, §13.2).</summary>
    private static List<KeyValuePair<string, string>> PostedRequest(params (string Name, string Value)[] extra) =>
    [
        KeyValuePair.Create("response_type", "code"),
        KeyValuePair.Create("client_id", KeycardFactory.PublicClientId),
        KeyValuePair.Create("redirect_uri", KeycardFactory.RedirectUri),
        KeyValuePair.Create("scope", "openid email"),
        KeyValuePair.Create("state", "posted-state"),
        KeyValuePair.Create("nonce", "posted-nonce"),
        KeyValuePair.Create("code_challenge", OAuthForms.Challenge),
        KeyValuePair.Create("code_challenge_method", "S256"),
        .. extra.Select(p => KeyValuePair.Create(p.Name, p.Value)),
    ];

    private async Task<HttpResponseMessage> PostAuthorizationAsync(IEnumerable<KeyValuePair<string, string>> form, string? origin = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/authorize") { Content = new FormUrlEncodedContent(form) };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await Http.SendAsync(request);
    }

    [Fact]
    public async Task AuthorizeByPost_WithoutSession_ShowsTheSignInFormWhosePostIssuesTheCode()
    {
        // An auto-submitted form on the relying party's page: cross-site, so it carries the RP's Origin.
        using var page = await PostAuthorizationAsync(PostedRequest(), KeycardFactory.Origin);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        using var signIn = await SignInForm.BuildAsync(page, AuthorizeEndpoint);
        using var redirect = await Http.SendAsync(signIn);

        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
        var answer = OAuthForms.ReadRedirect(redirect);
        Assert.Equal("posted-state", answer["state"]);
        Assert.Equal("http://localhost", answer["iss"]);
        using var exchanged = await ExchangeAsync(answer["code"]);
        Assert.Equal(HttpStatusCode.OK, exchanged.StatusCode);
        var idToken = new JsonWebToken((await JsonAsync(exchanged)).GetProperty("id_token").GetString());
        Assert.Equal("posted-nonce", idToken.GetPayloadValue<string>("nonce"));
    }

    [Fact]
    public async Task AuthorizeByPost_PromptNoneWithSession_RedirectsACode()
    {
        await GetCodeAsync(OAuthForms.AuthorizeUrl(scope: "openid"));

        using var response = await PostAuthorizationAsync(PostedRequest(("prompt", "none")));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var answer = OAuthForms.ReadRedirect(response);
        Assert.True(answer.ContainsKey("code"));
        Assert.Equal("posted-state", answer["state"]);
    }

    [Fact]
    public async Task AuthorizeByPost_PromptNoneWithoutSession_RedirectsLoginRequired()
    {
        using var response = await PostAuthorizationAsync(PostedRequest(("prompt", "none")));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var answer = OAuthForms.ReadRedirect(response);
        Assert.Equal("login_required", answer["error"]);
        Assert.Equal("posted-state", answer["state"]);
        Assert.Equal("http://localhost", answer["iss"]);
    }

    [Fact]
    public async Task AuthorizeByPost_ParameterSentTwice_RedirectsInvalidRequest()
    {
        using var response = await PostAuthorizationAsync([.. PostedRequest(), KeyValuePair.Create("scope", "profile")]);

        // RFC 6749 §3.1: the same rule as on GET.
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("invalid_request", OAuthForms.ReadRedirect(response)["error"]);
    }

    [Fact]
    public async Task AuthorizeByPost_UnregisteredRedirectUri_ShowsTheErrorPageWithoutRedirecting()
    {
        var form = PostedRequest().Where(p => p.Key != "redirect_uri").Append(KeyValuePair.Create("redirect_uri", "https://evil.example/cb"));

        using var response = await PostAuthorizationAsync(form);

        // RFC 6749 §4.1.2.1: never redirected.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task UserInfo_UnsupportedAuthenticationScheme_Is401WithTheBareBearerChallenge()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/oauth2/userinfo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "c3BhOnNlY3JldA==");

        using var response = await Http.SendAsync(request);

        // RFC 6750 §3.1: a client that "attempted using an unsupported authentication method" lacks authentication
        // information: 401 with a challenge that carries no error code.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.DoesNotContain("error", challenge.Parameter ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserInfo_BearerSchemeWithoutToken_Is400InvalidRequest()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/oauth2/userinfo");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer");

        using var response = await Http.SendAsync(request);

        // RFC 6750 §3.1: a malformed request is invalid_request (400).
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("error=\"invalid_request\"", Assert.Single(response.Headers.WwwAuthenticate).Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserInfo_TokenInTheBodyBesideAnotherSchemesHeader_AnswersTheClaims()
    {
        using var exchanged = await ExchangeAsync(await GetCodeAsync(OAuthForms.AuthorizeUrl(scope: "openid")));
        var tokens = await JsonAsync(exchanged);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/userinfo")
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("access_token", tokens.GetProperty("access_token").GetString()!)]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "c3BhOnNlY3JldA==");

        using var response = await Http.SendAsync(request);

        // The Basic header is not a Bearer token, so the token was sent one way only (RFC 6750 §2).
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await JsonAsync(response)).TryGetProperty("sub", out _));
    }

    [Fact]
    public async Task Discovery_ClaimsSupported_NamesNoClaimKeycardNeverIssues()
    {
        using var response = await Http.GetAsync("/.well-known/openid-configuration");

        // Discovery §3: claims_supported lists the claims the OP "MAY be able to supply values for"; an ID token has
        // its client as sole audience, so it never carries azp (Core §2).
        var claims = (await JsonAsync(response)).GetProperty("claims_supported").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains("sub", claims);
        Assert.DoesNotContain("azp", claims);
    }
}
