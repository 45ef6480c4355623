using System.Net;
using System.Text.RegularExpressions;

namespace Keycard.Server.Tests.Infrastructure;

/// <summary>Drives the HTML sign-in form the way a browser does: GET the page, post its fields back.</summary>
public static partial class LoginForm
{
    public static string Url(string clientId = KeycardFactory.PublicClientId, string redirectUri = KeycardFactory.RedirectUri, string scope = "email", string state = "xyz", string path = "/login.html") =>
        $"{path}?response_type=code&client_id={Uri.EscapeDataString(clientId)}&redirect_uri={Uri.EscapeDataString(redirectUri)}&scope={Uri.EscapeDataString(scope)}&state={Uri.EscapeDataString(state)}";

    /// <summary>GETs the page, then posts the credentials with the anti-forgery field it carried.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient http, string url, string userName, string password)
    {
        using var page = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        return await PostAsync(http, url, html, userName, password);
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient http, string url, string html, string userName, string password)
    {
        var fields = new Dictionary<string, string>
        {
            ["username"] = userName,
            ["password"] = password,
        };
        var match = AntiforgeryField().Match(html);
        Assert.True(match.Success, "the page has an anti-forgery field");
        fields[WebUtility.HtmlDecode(match.Groups["name"].Value)] = WebUtility.HtmlDecode(match.Groups["value"].Value);
        var action = WebUtility.HtmlDecode(FormAction().Match(html).Groups["action"].Value);
        return http.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    /// <summary>Reads code, appCode and state from a redirect_uri#code=…&amp;appCode=…&amp;state=… location.</summary>
    public static Dictionary<string, string> FragmentOf(Uri location)
    {
        var fragment = location.Fragment.TrimStart('#');
        return fragment.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]+)\">")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("<form method=\"post\" action=\"(?<action>[^\"]+)\"")]
    private static partial Regex FormAction();
}
