using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Keycard.Core.Consent;
using Keycard.Core.Storage;
using Keycard.Server.Tests.Infrastructure;
using Keycard.Server.Tests.OAuth;
using Keycard.Storage.Users;

namespace Keycard.Server.Tests.Consent;

/// <summary>
/// The consent page for third-party clients (issue 16), on both dialects: asked once and remembered per user, client
/// and scopes; Deny is access_denied with state (RFC 6749 §4.1.2.1); prompt=consent asks again; prompt=none answers
/// consent_required without a page (OpenID Connect Core §3.1.2.6); the answer is anti-forgery protected,
/// origin-checked and bound to the user it was shown to; the user's account page revokes it, with the client's tokens.
/// </summary>
public sealed partial class ConsentPageTests : OAuthTestBase
{
    private const string PartnerId = "partner";
    private const string PartnerName = "Partner Reports";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Factory.AddClientAsync(KeycardFactory.NewClient(PartnerId) with { Name = PartnerName, IsThirdParty = true, AllowPasswordCodeEndpoint = false });
    }

    [Fact]
    public async Task Authorize_ThirdPartyClient_AsksOnceThenRemembers()
    {
        using var page = await AuthorizeAndSignInAsync(PartnerUrl(scope: "email reports:read"));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains(PartnerName, html, StringComparison.Ordinal);
        Assert.Contains("<code>email</code>", html, StringComparison.Ordinal);
        Assert.Contains(ScopeDescriptions.Describe("email").Description!, html, StringComparison.Ordinal);
        Assert.Contains("<code>reports:read</code>", html, StringComparison.Ordinal);
        Assert.Equal("no-store", page.Headers.CacheControl?.ToString());

        using var allowed = await AnswerAsync(page, PartnerUrl(scope: "email reports:read"), "allow");
        Assert.Equal(HttpStatusCode.SeeOther, allowed.StatusCode);
        var query = OAuthForms.ReadRedirect(allowed);
        Assert.Equal("xyz", query["state"]);
        using var exchange = await ExchangeAsync(query["code"], PartnerId);
        Assert.Equal(HttpStatusCode.OK, exchange.StatusCode);

        // Remembered: the next request for the same (or fewer) scopes gets its code without a page.
        using var again = await Http.GetAsync(PartnerUrl(scope: "reports:read", state: "second"));
        Assert.Equal(HttpStatusCode.Found, again.StatusCode);
        Assert.Equal("second", OAuthForms.ReadRedirect(again)["state"]);
        Assert.True(OAuthForms.ReadRedirect(again).ContainsKey("code"));
    }

    [Fact]
    public async Task Authorize_NewScopeAfterConsent_AsksForItAgain()
    {
        await AllowAsync(PartnerUrl(scope: "email"));

        using var page = await Http.GetAsync(PartnerUrl(scope: "email profile"));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<code>profile</code>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_FirstPartyClient_NeverAsks()
    {
        using var redirect = await AuthorizeAndSignInAsync(OAuthForms.AuthorizeUrl());

        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
        Assert.True(OAuthForms.ReadRedirect(redirect).ContainsKey("code"));
    }

    [Fact]
    public async Task Consent_Deny_RedirectsAccessDeniedWithStateAndIss()
    {
        using var page = await AuthorizeAndSignInAsync(PartnerUrl(state: "st-1"));

        using var denied = await AnswerAsync(page, PartnerUrl(state: "st-1"), "deny");

        // RFC 6749 §4.1.2.1 (access_denied), RFC 9207 (iss on every answer of the standard dialect).
        Assert.Equal(HttpStatusCode.SeeOther, denied.StatusCode);
        var query = OAuthForms.ReadRedirect(denied);
        Assert.Equal("access_denied", query["error"]);
        Assert.Equal("st-1", query["state"]);
        Assert.True(query.ContainsKey("iss"));
        Assert.False(query.ContainsKey("code"));
        Assert.Empty(await ConsentsAsync());
    }

    [Fact]
    public async Task Authorize_PromptConsent_AsksEvenAfterConsent()
    {
        await AllowAsync(PartnerUrl());

        using var page = await Http.GetAsync(PartnerUrl() + "&prompt=consent");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(PartnerName, await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_PromptNoneWithoutConsent_RedirectsConsentRequiredWithoutAPage()
    {
        // Signed in through a first-party client: the session is there, the consent is not.
        await GetCodeAsync();

        using var response = await Http.GetAsync(PartnerUrl(state: "quiet") + "&prompt=none");

        // OpenID Connect Core §3.1.2.6.
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var query = OAuthForms.ReadRedirect(response);
        Assert.Equal("consent_required", query["error"]);
        Assert.Equal("quiet", query["state"]);
        Assert.False(query.ContainsKey("code"));
    }

    [Fact]
    public async Task LoginHtml_ThirdPartyClient_AsksAndAnswersInTheFragment()
    {
        var url = SignInForm.LoginUrl(clientId: PartnerId, state: "frag");
        using var page = await AuthorizeAndSignInAsync(url);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(PartnerName, await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var allowed = await AnswerAsync(page, url, "allow");

        var fragment = SignInForm.FragmentOf(allowed.Headers.Location!);
        Assert.Equal("frag", fragment["state"]);
        Assert.Equal(PartnerId + "-code", fragment["appCode"]);
        Assert.True(fragment.ContainsKey("code"));
    }

    [Fact]
    public async Task LoginHtml_Deny_IsAccessDeniedInTheFragment()
    {
        var url = SignInForm.LoginUrl(clientId: PartnerId, state: "frag");
        using var page = await AuthorizeAndSignInAsync(url);

        using var denied = await AnswerAsync(page, url, "deny");

        Assert.Equal(HttpStatusCode.SeeOther, denied.StatusCode);
        var fragment = SignInForm.FragmentOf(denied.Headers.Location!);
        Assert.Equal("access_denied", fragment["error"]);
        Assert.Equal("frag", fragment["state"]);
        Assert.False(fragment.ContainsKey("code"));
    }

    [Fact]
    public async Task Consent_PostedFromAnotherOrigin_IsRefused()
    {
        using var page = await AuthorizeAndSignInAsync(PartnerUrl());

        using var refused = await AnswerAsync(page, PartnerUrl(), "allow", origin: "https://evil.example.net");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Empty(await ConsentsAsync());
    }

    [Fact]
    public async Task Consent_WithoutTheAntiforgeryToken_IsRefused()
    {
        using var page = await AuthorizeAndSignInAsync(PartnerUrl());

        using var refused = await AnswerAsync(page, PartnerUrl(), "allow", token: "");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Empty(await ConsentsAsync());
    }

    [Fact]
    public async Task Consent_AnotherUserSignedInSinceThePageWasShown_IsRefused()
    {
        await Factory.WithScopeAsync(sp => sp.GetRequiredService<UserAdministration>().AddAsync("bob", "bob@example.com", "Bob", "B", "bob's long password"));
        using var alicePage = await AuthorizeAndSignInAsync(PartnerUrl());
        Assert.Equal(HttpStatusCode.OK, alicePage.StatusCode);

        // Bob signs in on the same browser (another tab): the session cookie is now his.
        using var bobLogin = await SignInForm.BuildAsync(await Http.GetAsync(SignInForm.LoginUrl()), new Uri(Http.BaseAddress!, SignInForm.LoginUrl()), "bob", "bob's long password");
        using var bobSignedIn = await Http.SendAsync(bobLogin);
        Assert.Equal(HttpStatusCode.SeeOther, bobSignedIn.StatusCode);

        using var refused = await AnswerAsync(alicePage, PartnerUrl(), "allow");

        // The page's anti-forgery token is bound to alice (400), and the page names her (409 if the token were not).
        Assert.Contains(refused.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.Conflict });
        Assert.Null(refused.Headers.Location);
        Assert.Empty(await ConsentsAsync());
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("twice")]
    [InlineData("alice")]
    [InlineData("")]
    public async Task Consent_UserFieldMissingTwiceOrNotAUserId_Is400AndGrantsNothing(string field)
    {
        using var page = await AuthorizeAndSignInAsync(PartnerUrl());
        var shownTo = ConsentUser().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        string[] users = field switch
        {
            "missing" => [],
            "twice" => [shownTo, shownTo],
            _ => [field],
        };

        using var refused = await AnswerAsync(page, PartnerUrl(), "allow", users: users);

        // A malformed form is the request's fault (400), not a conflict with another sign-in (409).
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("does not name the user it was shown to", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Someone else signed in", html, StringComparison.Ordinal);
        Assert.Null(refused.Headers.Location);
        Assert.Empty(await ConsentsAsync());
    }

    [Fact]
    public async Task Consent_UserFieldNamingAnotherUser_Is409AndGrantsNothing()
    {
        using var page = await AuthorizeAndSignInAsync(PartnerUrl());
        var shownTo = int.Parse(ConsentUser().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        using var refused = await AnswerAsync(page, PartnerUrl(), "allow", users: [(shownTo + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("Someone else signed in", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await ConsentsAsync());
    }

    [Fact]
    public async Task AccountPage_Revoke_NextAuthorizeAsksAgainAndTheOldRefreshTokenIsInvalid()
    {
        var code = await AllowAsync(PartnerUrl());
        using var exchange = await ExchangeAsync(code, PartnerId);
        var tokens = await exchange.Content.ReadFromJsonAsync<JsonElement>();
        var refreshToken = tokens.GetProperty("refresh_token").GetString()!;

        using var account = await Http.GetAsync("/account/consents");
        var html = await account.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        Assert.Contains(PartnerName, html, StringComparison.Ordinal);

        using var revoke = new HttpRequestMessage(HttpMethod.Post, "/account/consents")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                [SignInForm.AntiforgeryField] = SignInForm.ReadToken(html)!,
                ["client_id"] = PartnerId,
            }),
        };
        using var revoked = await Http.SendAsync(revoke);
        Assert.Equal(HttpStatusCode.SeeOther, revoked.StatusCode);

        using var refresh = await Forms.TokenAsync(("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", PartnerId));
        await OAuthForms.ErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant");
        using var page = await Http.GetAsync(PartnerUrl());
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(PartnerName, await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var listed = await Http.GetAsync("/account/consents");
        Assert.DoesNotContain(PartnerName, await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccountPage_Revoke_WithoutTheAntiforgeryToken_IsRefused()
    {
        await AllowAsync(PartnerUrl());

        using var revoke = new HttpRequestMessage(HttpMethod.Post, "/account/consents")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = PartnerId }),
        };
        using var refused = await Http.SendAsync(revoke);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Single(await ConsentsAsync());
    }

    [Fact]
    public async Task AccountPage_WithoutASession_SignsInThenLists()
    {
        using var form = await Http.GetAsync("/account/consents");
        Assert.True(await SignInForm.IsFormAsync(form));

        using var post = await SignInForm.BuildAsync(form, new Uri(Http.BaseAddress!, "/account/consents"));
        using var signedIn = await Http.SendAsync(post);

        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        Assert.Equal("/account/consents", signedIn.Headers.Location?.ToString());
        using var list = await Http.GetAsync("/account/consents");
        Assert.Contains("not allowed any application", await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PasswordCodeEndpoint_ThirdPartyClient_IsUnauthorizedClient()
    {
        var iOffice = new IOfficeClient(Http);

        using var response = await iOffice.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, PartnerId);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "unauthorized_client");
    }

    private static string PartnerUrl(string scope = "email", string state = "xyz") => OAuthForms.AuthorizeUrl(PartnerId, scope: scope, state: state);

    /// <summary>Signs in on <paramref name="url"/>, allows on the consent page, and returns the code.</summary>
    private async Task<string> AllowAsync(string url)
    {
        using var page = await AuthorizeAndSignInAsync(url);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var allowed = await AnswerAsync(page, url, "allow");
        Assert.Equal(HttpStatusCode.SeeOther, allowed.StatusCode);
        return OAuthForms.ReadRedirect(allowed)["code"];
    }

    /// <summary>Posts the consent page's form as a browser would (its action, token and user), with the decision.</summary>
    /// <param name="users">The consent_user values to send instead of the page's (none leaves the field out).</param>
    private async Task<HttpResponseMessage> AnswerAsync(
        HttpResponseMessage page, string pageUrl, string decision, string? origin = null, string? token = null, string[]? users = null)
    {
        var html = await page.Content.ReadAsStringAsync();
        var form = SignInForm.Read(html);
        Assert.True(form is not null, "The page has no consent form.");
        var fields = new List<KeyValuePair<string, string>>
        {
            new(SignInForm.AntiforgeryField, token ?? form.Value.Token),
            new("decision", decision),
        };
        fields.AddRange((users ?? [ConsentUser().Match(html).Groups[1].Value]).Select(user => new KeyValuePair<string, string>("consent_user", user)));
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(Http.BaseAddress!, pageUrl), WebUtility.HtmlDecode(form.Value.Action)))
        {
            Content = new FormUrlEncodedContent(fields),
        };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await Http.SendAsync(request);
    }

    private Task<IReadOnlyList<ConsentGrant>> ConsentsAsync() =>
        Factory.WithScopeAsync(sp => sp.GetRequiredService<IConsentStore>().ListAsync(null, PartnerId, CancellationToken.None));

    [GeneratedRegex("name=\"consent_user\" value=\"([^\"]*)\"")]
    private static partial Regex ConsentUser();
}
