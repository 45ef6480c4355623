using System.Net;
using System.Text.RegularExpressions;

namespace Keycard.Server.Tests.Infrastructure;

/// <summary>
/// The one sign-in form helper: reads Keycard's sign-in form (its action and anti-forgery field) and fills it in as a
/// person would, for <c>/login.html</c> and <c>/oauth2/authorize</c> alike. <see cref="LoginForm"/> and
/// <see cref="LoginPageClient"/> keep their call shapes for the tests that use them and forward here.
/// </summary>
public static partial class SignInForm
{
    public const string AntiforgeryField = "__keycard_csrf";

    /// <summary>A <c>/login.html</c> (or other <paramref name="path"/>) URL with the guide's parameters.</summary>
    public static string LoginUrl(string clientId = KeycardFactory.PublicClientId, string redirectUri = KeycardFactory.RedirectUri, string scope = "email", string state = "xyz", string path = "/login.html") =>
        path + "?" + LoginQuery(state, clientId, scope, redirectUri);

    /// <summary>The guide's five login parameters: response_type, client_id, redirect_uri, scope, state.</summary>
    public static string LoginQuery(string state = "xyz", string clientId = KeycardFactory.PublicClientId, string scope = "email", string redirectUri = KeycardFactory.RedirectUri) =>
        "response_type=code&client_id=" + Uri.EscapeDataString(clientId) +
        "&redirect_uri=" + Uri.EscapeDataString(redirectUri) +
        "&scope=" + Uri.EscapeDataString(scope) +
        "&state=" + Uri.EscapeDataString(state);

    /// <summary>The form's action and anti-forgery token, or null when the page has no sign-in form.</summary>
    public static (string Action, string Token)? Read(string html)
    {
        var action = FormAction().Match(html);
        var token = CsrfField().Match(html);
        return action.Success && token.Success
            ? (WebUtility.HtmlDecode(action.Groups[1].Value), WebUtility.HtmlDecode(token.Groups[1].Value))
            : null;
    }

    /// <summary>The anti-forgery token of a served form, or null.</summary>
    public static string? ReadToken(string html)
    {
        var match = CsrfField().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    /// <summary>The POST a browser sends for <paramref name="html"/>'s form, served at <paramref name="pageUrl"/>.</summary>
    public static HttpRequestMessage Build(string html, Uri pageUrl, string userName = KeycardFactory.UserName, string password = KeycardFactory.Password)
    {
        var form = Read(html);
        Assert.True(form is not null, "The page has no sign-in form with an anti-forgery field.");
        var (action, token) = form.Value;
        Assert.False(string.IsNullOrEmpty(action), "The sign-in form has no action.");
        Assert.False(string.IsNullOrEmpty(token), "The sign-in form has no anti-forgery field.");
        return new HttpRequestMessage(HttpMethod.Post, new Uri(pageUrl, action))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                [AntiforgeryField] = token,
                ["username"] = userName,
                ["password"] = password,
            }),
        };
    }

    public static async Task<HttpRequestMessage> BuildAsync(HttpResponseMessage page, Uri pageUrl, string userName = KeycardFactory.UserName, string password = KeycardFactory.Password) =>
        Build(await page.Content.ReadAsStringAsync(), pageUrl, userName, password);

    /// <summary>GETs <paramref name="url"/> and posts the credentials with the anti-forgery field it carried.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient http, string url, string userName = KeycardFactory.UserName, string password = KeycardFactory.Password)
    {
        using var page = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var post = await BuildAsync(page, new Uri(http.BaseAddress!, url), userName, password);
        return await http.SendAsync(post);
    }

    public static async Task<bool> IsFormAsync(HttpResponseMessage page) =>
        page.StatusCode == HttpStatusCode.OK && FormAction().IsMatch(await page.Content.ReadAsStringAsync());

    /// <summary>The parameters of a <c>redirect_uri#code=…&amp;appCode=…&amp;state=…</c> location.</summary>
    public static Dictionary<string, string> FragmentOf(Uri location) =>
        location.Fragment.TrimStart('#').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""));

    /// <summary>The code from a 303 to <c>redirect_uri#code=…</c>.</summary>
    public static string CodeFromFragment(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var location = response.Headers.Location!;
        var fragment = FragmentOf(location.IsAbsoluteUri ? location : new Uri(new Uri("https://relative.invalid"), location));
        return fragment.TryGetValue("code", out var code) ? code : throw new InvalidOperationException("No code in the redirect.");
    }

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]*)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("name=\"__keycard_csrf\" value=\"([^\"]*)\"")]
    private static partial Regex CsrfField();
}
