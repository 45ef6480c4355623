using System.Net;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.OAuth;

/// <summary>
/// Both dialects share one core and one store, so a code or token from one is good in the other;
/// and the iOFFICE dialect takes PKCE the same way (code_challenge on login.html, x-code-verifier on /token).
/// </summary>
public sealed class CrossDialectTests : OAuthTestBase
{
    private IOfficeClient _ioffice = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _ioffice = new IOfficeClient(Http);
    }

    private static string LoginHtml(string? challenge = null) =>
        "/login.html?response_type=code&client_id=spa&redirect_uri=" + Uri.EscapeDataString(KeycardFactory.RedirectUri) + "&scope=email&state=abc" +
        (challenge is null ? "" : "&code_challenge=" + challenge + "&code_challenge_method=S256");

    /// <summary>Signs in on login.html and reads the code from the fragment, as the guide's JavaScript app does.</summary>
    private async Task<string> GetLoginHtmlCodeAsync(string? challenge = null)
    {
        var url = LoginHtml(challenge);
        using var page = await Http.GetAsync(url);
        using var post = await SignInForm.BuildAsync(page, new Uri(Http.BaseAddress!, url));
        using var redirect = await Http.SendAsync(post);
        var location = redirect.Headers.Location!.ToString();
        Assert.StartsWith(KeycardFactory.RedirectUri + "#code=", location, StringComparison.Ordinal);
        return OAuthForms.Query(new Uri("https://x/?" + location.Split('#')[1]))["code"];
    }

    [Fact]
    public async Task LoginHtmlCode_ExchangedOnTheStandardTokenEndpoint_ReturnsSecondsShapedTokens()
    {
        var code = await GetLoginHtmlCodeAsync(OAuthForms.Challenge);

        using var response = await ExchangeAsync(code);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3600, (await JsonAsync(response)).GetProperty("expires_in").GetInt64());
    }

    [Fact]
    public async Task AuthorizeCode_ExchangedOnTheIOfficeTokenEndpoint_ReturnsMillisecondShapedTokens()
    {
        var code = await GetCodeAsync();

        using var response = await _ioffice.ExchangeAsync(code, extra: new Dictionary<string, string> { ["x-code-verifier"] = OAuthForms.Verifier });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3_600_000, (await TokenSet.ReadAsync(response)).ExpiresIn);
    }

    [Fact]
    public async Task StandardRefreshToken_RefreshedOnTheIOfficeEndpoint_Works()
    {
        var tokens = await SignInPublicAsync();

        using var response = await _ioffice.RefreshAsync(tokens.GetProperty("refresh_token").GetString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task IOfficeRefreshToken_RefreshedOnTheStandardEndpoint_Works()
    {
        var tokens = await _ioffice.SignInAsync();

        using var response = await Forms.TokenAsync(("grant_type", "refresh_token"), ("refresh_token", tokens.RefreshToken!), ("client_id", KeycardFactory.PublicClientId));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task StandardAccessToken_RevokedOnTheIOfficeEndpoint_StopsWorkingEverywhere()
    {
        var tokens = await SignInPublicAsync();
        var access = tokens.GetProperty("access_token").GetString()!;

        using var revoke = await _ioffice.RevokeAsync(access);
        using var me = await _ioffice.MeAsync(access, "bearer");

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task IOfficeAccessToken_RevokedOnTheStandardEndpoint_StopsWorking()
    {
        var tokens = await _ioffice.SignInAsync();

        using var revoke = await Forms.PostAsync("/oauth2/revoke", [new("token", tokens.AccessToken), new("client_id", KeycardFactory.PublicClientId)]);
        using var me = await _ioffice.MeAsync(tokens.AccessToken);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task IOfficeLoginWithPkce_RightVerifierInHeader_IssuesTokens()
    {
        var code = await GetLoginHtmlCodeAsync(OAuthForms.Challenge);

        using var response = await _ioffice.ExchangeAsync(code, extra: new Dictionary<string, string> { ["x-code-verifier"] = OAuthForms.Verifier });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task IOfficeLoginWithPkce_MissingOrWrongVerifier_IsInvalidGrant(string? verifier)
    {
        var code = await GetLoginHtmlCodeAsync(OAuthForms.Challenge);

        using var response = await _ioffice.ExchangeAsync(code, extra: verifier is null ? null : new Dictionary<string, string> { ["x-code-verifier"] = verifier });

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task IOfficeLoginWithPlainChallenge_RedirectsInvalidRequestInTheFragment()
    {
        using var page = await Http.GetAsync(LoginHtml(OAuthForms.Verifier).Replace("S256", "plain", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Found, page.StatusCode);
        Assert.Equal("invalid_request", LoginForm.FragmentOf(page.Headers.Location!)["error"]);
    }

    [Fact]
    public async Task IOfficeLoginWithoutPkce_StillWorksForPublicClients()
    {
        // The guide's flow predates PKCE; the iOFFICE policy keeps it optional.
        var code = await GetLoginHtmlCodeAsync();

        using var response = await _ioffice.ExchangeAsync(code);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task IOfficePasswordCodeWithChallenge_NeedsTheVerifier()
    {
        using var auth = await _ioffice.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, KeycardFactory.PublicClientId,
            extra: new Dictionary<string, string> { ["x-code-challenge"] = OAuthForms.Challenge });
        var code = (await JsonAsync(auth)).GetProperty("code").GetString()!;

        using var without = await _ioffice.ExchangeAsync(code);
        using var auth2 = await _ioffice.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, KeycardFactory.PublicClientId,
            extra: new Dictionary<string, string> { ["x-code-challenge"] = OAuthForms.Challenge });
        var code2 = (await JsonAsync(auth2)).GetProperty("code").GetString()!;
        using var with = await _ioffice.ExchangeAsync(code2, extra: new Dictionary<string, string> { ["x-code-verifier"] = OAuthForms.Verifier });

        await ResponseAssert.ErrorAsync(without, HttpStatusCode.BadRequest, "invalid_grant");
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
    }
}
