using System.Net;
using System.Text.RegularExpressions;
using Keycard.Server.Tests.Infrastructure;
using Keycard.Server.Tests.OAuth;

namespace Keycard.Server.Tests.OpenIdConnect;

/// <summary>OpenID Connect RP-Initiated Logout 1.0: the end_session endpoint ends the server-side sign-in session.</summary>
public sealed partial class EndSessionTests : OAuthTestBase
{
    private const string ClientId = "rp";
    private const string SignedOutUri = "https://app.example.com/signed-out";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Factory.AddClientAsync(KeycardFactory.NewClient(ClientId) with { PostLogoutRedirectUris = [SignedOutUri] });
    }

    private static string AuthorizeUrl() => OAuthForms.AuthorizeUrl(ClientId, scope: "openid");

    private async Task<string> SignInAsync()
    {
        var code = await GetCodeAsync(AuthorizeUrl());
        using var response = await ExchangeAsync(code, ClientId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await JsonAsync(response)).GetProperty("id_token").GetString()!;
    }

    private async Task AssertSignedInAsync(bool expected)
    {
        using var response = await Http.GetAsync(AuthorizeUrl());
        Assert.Equal(expected ? HttpStatusCode.Found : HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task EndSession_ValidHintAndRegisteredUri_EndsTheSessionAndRedirectsWithState()
    {
        var idToken = await SignInAsync();
        await AssertSignedInAsync(true);

        using var response = await Http.GetAsync(
            $"/oauth2/logout?id_token_hint={idToken}&post_logout_redirect_uri={Uri.EscapeDataString(SignedOutUri)}&state=bye");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(SignedOutUri + "?state=bye", response.Headers.Location?.ToString());

        // The session is over: the next authorization request shows the form again.
        await AssertSignedInAsync(false);
    }

    [Fact]
    public async Task EndSession_UnregisteredPostLogoutRedirectUri_IsShownNotRedirectedAndTheSessionStays()
    {
        var idToken = await SignInAsync();

        using var response = await Http.GetAsync(
            $"/oauth2/logout?id_token_hint={idToken}&post_logout_redirect_uri={Uri.EscapeDataString("https://evil.example.com/")}");

        // RP-Initiated Logout §3: never redirect to an unregistered URI.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        await AssertSignedInAsync(true);
    }

    [Fact]
    public async Task EndSession_PostLogoutRedirectUriWithoutHintOrClientId_IsRefused()
    {
        await SignInAsync();

        using var response = await Http.GetAsync($"/oauth2/logout?post_logout_redirect_uri={Uri.EscapeDataString(SignedOutUri)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertSignedInAsync(true);
    }

    [Fact]
    public async Task EndSession_NoHint_AsksForConfirmationAndSignsOutOnlyAfterIt()
    {
        await SignInAsync();

        using var page = await Http.GetAsync($"/oauth2/logout?client_id={ClientId}&post_logout_redirect_uri={Uri.EscapeDataString(SignedOutUri)}&state=s1");

        // §2: a link from another site cannot sign the user out silently.
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        await AssertSignedInAsync(true);

        var fields = HiddenField().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        Assert.Equal("yes", fields["confirm"]);
        using var confirm = await Http.PostAsync("/oauth2/logout", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.SeeOther, confirm.StatusCode);
        Assert.Equal(SignedOutUri + "?state=s1", confirm.Headers.Location?.ToString());
        await AssertSignedInAsync(false);
    }

    [Fact]
    public async Task EndSession_ConfirmationWithoutAntiforgeryToken_IsRefused()
    {
        await SignInAsync();

        using var response = await Http.PostAsync("/oauth2/logout", new FormUrlEncodedContent([new("confirm", "yes")]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertSignedInAsync(true);
    }

    [Fact]
    public async Task EndSession_PostWithValidHint_EndsTheSession()
    {
        var idToken = await SignInAsync();

        using var response = await Http.PostAsync("/oauth2/logout", new FormUrlEncodedContent([new("id_token_hint", idToken)]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Signed out", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertSignedInAsync(false);
    }

    [Fact]
    public async Task EndSession_ForgedHint_IsRefused()
    {
        await SignInAsync();

        using var response = await Http.GetAsync("/oauth2/logout?id_token_hint=eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertSignedInAsync(true);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();
}
