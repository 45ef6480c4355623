using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.OAuth;

/// <summary>
/// response_mode on <c>/oauth2/authorize</c>: OAuth 2.0 Multiple Response Type Encoding Practices §2.1 (query,
/// fragment) and OAuth 2.0 Form Post Response Mode §2 (form_post), for codes and errors alike; the guide's
/// <c>/login.html</c> keeps its fragment whatever the request says.
/// </summary>
public sealed partial class ResponseModeTests : OAuthTestBase
{
    [Fact]
    public async Task Authorize_ResponseModeFragment_PutsCodeStateAndIssInTheFragment()
    {
        using var redirect = await AuthorizeAndSignInAsync(OAuthForms.AuthorizeUrl() + "&response_mode=fragment");

        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
        var location = redirect.Headers.Location!.ToString();
        Assert.StartsWith(KeycardFactory.RedirectUri + "#", location);
        var answer = Fragment(location);
        Assert.Equal("xyz", answer["state"]);
        Assert.Equal("http://localhost", answer["iss"]);

        // The code from the fragment is a working code.
        using var exchanged = await ExchangeAsync(answer["code"]);
        Assert.Equal(HttpStatusCode.OK, exchanged.StatusCode);
    }

    [Fact]
    public async Task Authorize_ResponseModeFormPost_AnswersAPageThatPostsTheCodeToTheRedirectUri()
    {
        using var page = await AuthorizeAndSignInAsync(OAuthForms.AuthorizeUrl() + "&response_mode=form_post");

        // Form Post Response Mode §2: an HTML form, method POST, action the redirect URI, the parameters as hidden fields.
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-store", page.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Matches("<form method=\"post\" action=\"" + Regex.Escape(WebUtility.HtmlEncode(KeycardFactory.RedirectUri)) + "\">", html);
        var fields = HiddenFields(html);
        Assert.Equal("xyz", fields["state"]);
        Assert.Equal("http://localhost", fields["iss"]);
        Assert.DoesNotContain(fields["code"], page.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);

        using var exchanged = await ExchangeAsync(fields["code"]);
        Assert.Equal(HttpStatusCode.OK, exchanged.StatusCode);
    }

    [Fact]
    public async Task Authorize_ResponseModeFormPost_CspAllowsOnlyThePagesOwnScriptAndTheClientsOrigin()
    {
        using var page = await AuthorizeAndSignInAsync(OAuthForms.AuthorizeUrl() + "&response_mode=form_post");
        var html = await page.Content.ReadAsStringAsync();
        var csp = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));

        // The inline script runs only because its hash is in script-src (CSP Level 3 §8.4); nothing else may run.
        var script = Regex.Match(html, "<script>(.*?)</script>", RegexOptions.Singleline).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(script));
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script)));
        Assert.Contains("script-src 'sha256-" + hash + "'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Contains("form-action 'self' " + new Uri(KeycardFactory.RedirectUri).GetLeftPart(UriPartial.Authority), csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_ResponseModeFormPost_ErrorsArePostedToo()
    {
        // OpenID Connect Core §3.1.2.6: prompt=none without a session is login_required, delivered in the requested mode.
        using var page = await Http.GetAsync(OAuthForms.AuthorizeUrl(scope: "openid") + "&prompt=none&response_mode=form_post");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var fields = HiddenFields(await page.Content.ReadAsStringAsync());
        Assert.Equal("login_required", fields["error"]);
        Assert.Equal("xyz", fields["state"]);
        Assert.False(fields.ContainsKey("code"));
    }

    [Fact]
    public async Task Authorize_ResponseModeFormPost_StateIsHtmlEncodedInTheField()
    {
        var state = "\"><script>alert(1)</script>";
        using var page = await Http.GetAsync(OAuthForms.AuthorizeUrl(state: state) + "&prompt=none&response_mode=form_post");

        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain(state, html, StringComparison.Ordinal);
        Assert.Equal(state, HiddenFields(html)["state"]);
    }

    [Theory]
    [InlineData("web_message")]
    [InlineData("jwt")]
    [InlineData("QUERY")]
    public async Task Authorize_UnsupportedResponseMode_RedirectsInvalidRequestInTheQuery(string mode)
    {
        using var response = await Http.GetAsync(OAuthForms.AuthorizeUrl() + "&response_mode=" + mode);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var answer = OAuthForms.ReadRedirect(response);
        Assert.Equal("invalid_request", answer["error"]);
        Assert.Contains("response_mode", answer["error_description"], StringComparison.Ordinal);
        Assert.Equal("xyz", answer["state"]);
    }

    [Fact]
    public async Task Authorize_ResponseModeQuery_IsTheDefault()
    {
        var code = await GetCodeAsync(OAuthForms.AuthorizeUrl() + "&response_mode=query");

        Assert.False(string.IsNullOrEmpty(code));
    }

    [Fact]
    public async Task LoginHtml_ResponseModeFormPost_IsIgnoredAndTheGuidesFragmentKept()
    {
        // The guide's page answers redirect_uri#code=…&appCode=… whatever else the query carries.
        using var page = await Http.GetAsync(SignInForm.LoginUrl() + "&response_mode=form_post");
        using var post = await SignInForm.BuildAsync(page, new Uri(Http.BaseAddress!, SignInForm.LoginUrl() + "&response_mode=form_post"));
        using var redirect = await Http.SendAsync(post);

        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
        var answer = Fragment(redirect.Headers.Location!.ToString());
        Assert.True(answer.ContainsKey("code"));
        Assert.True(answer.ContainsKey("appCode"));
    }

    [Fact]
    public async Task Discovery_ListsTheSupportedResponseModes()
    {
        foreach (var path in new[] { "/.well-known/oauth-authorization-server", "/.well-known/openid-configuration" })
        {
            var metadata = await JsonAsync(await Http.GetAsync(path));
            var modes = metadata.GetProperty("response_modes_supported").EnumerateArray().Select(m => m.GetString()!).ToArray();
            Assert.Equal<string[]>(["query", "fragment", "form_post"], modes);
        }
    }

    private static Dictionary<string, string> Fragment(string location) =>
        OAuthForms.Query(new Uri("http://x/?" + location[(location.IndexOf('#', StringComparison.Ordinal) + 1)..]));

    private static Dictionary<string, string> HiddenFields(string html) =>
        HiddenField().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();
}
