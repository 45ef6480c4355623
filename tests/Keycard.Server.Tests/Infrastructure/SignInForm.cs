using System.Net;
using System.Text.RegularExpressions;

namespace Keycard.Server.Tests.Infrastructure;

/// <summary>Fills in Keycard's sign-in form as a person would: the action, the anti-forgery field, the credentials.</summary>
public static partial class SignInForm
{
    public static async Task<HttpRequestMessage> BuildAsync(HttpResponseMessage page, Uri pageUrl, string userName = KeycardFactory.UserName, string password = KeycardFactory.Password)
    {
        var html = await page.Content.ReadAsStringAsync();
        var action = WebUtility.HtmlDecode(FormAction().Match(html).Groups[1].Value);
        var csrf = WebUtility.HtmlDecode(CsrfField().Match(html).Groups[1].Value);
        Assert.False(string.IsNullOrEmpty(action), "The page has no sign-in form.");
        Assert.False(string.IsNullOrEmpty(csrf), "The sign-in form has no anti-forgery field.");
        return new HttpRequestMessage(HttpMethod.Post, new Uri(pageUrl, action))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__keycard_csrf"] = csrf,
                ["username"] = userName,
                ["password"] = password,
            }),
        };
    }

    public static async Task<bool> IsFormAsync(HttpResponseMessage page) =>
        page.StatusCode == HttpStatusCode.OK && FormAction().IsMatch(await page.Content.ReadAsStringAsync());

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]*)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("name=\"__keycard_csrf\" value=\"([^\"]*)\"")]
    private static partial Regex CsrfField();
}
