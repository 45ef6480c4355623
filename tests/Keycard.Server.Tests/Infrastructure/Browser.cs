using System.Net;
using System.Text.RegularExpressions;

namespace Keycard.Server.Tests.Infrastructure;

/// <summary>
/// A browser as far as OAuth cares: one cookie jar, redirects followed by hand, and the sign-in form filled in.
/// Each origin is served by its own handler, so Keycard and a client app can both run in process.
/// </summary>
public sealed partial class Browser(IReadOnlyDictionary<string, HttpMessageHandler> origins)
{
    public CookieContainer Cookies { get; } = new();

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        var uri = request.RequestUri!;
        var handler = origins[uri.GetLeftPart(UriPartial.Authority)];
        var cookieHeader = Cookies.GetCookieHeader(uri);
        if (cookieHeader.Length > 0)
        {
            request.Headers.Add("Cookie", cookieHeader);
        }

        using var client = new HttpClient(handler, disposeHandler: false);
        var response = await client.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                Cookies.SetCookies(uri, setCookie);
            }
        }

        return response;
    }

    public Task<HttpResponseMessage> GetAsync(string url) => SendAsync(new HttpRequestMessage(HttpMethod.Get, url));

    /// <summary>Follows redirects until a page answers or a redirect leaves for <paramref name="stopAtOrigin"/>; returns the last response and its URL.</summary>
    public async Task<(HttpResponseMessage Response, Uri Url)> FollowAsync(string url, string? stopAtOrigin = null, int limit = 10)
    {
        var current = new Uri(url);
        for (var i = 0; i < limit; i++)
        {
            var response = await GetAsync(current.ToString());
            if ((int)response.StatusCode is < 300 or >= 400 || response.Headers.Location is null)
            {
                return (response, current);
            }

            var next = new Uri(current, response.Headers.Location);
            if (stopAtOrigin is not null && next.GetLeftPart(UriPartial.Authority) == stopAtOrigin)
            {
                return (response, current);
            }

            response.Dispose();
            current = next;
        }

        throw new InvalidOperationException("Too many redirects.");
    }

    /// <summary>
    /// What a browser does with a form post response page (OAuth 2.0 Form Post Response Mode §2): posts the page's
    /// one form, its hidden fields as they are, to its action; returns that answer and the action's URL.
    /// </summary>
    public async Task<(HttpResponseMessage Response, Uri Url)> SubmitFormPostAsync(HttpResponseMessage page, Uri pageUrl)
    {
        var html = await page.Content.ReadAsStringAsync();
        var action = FormPostAction().Match(html);
        Assert.True(action.Success, "The page has no form that posts: " + html);
        var url = new Uri(pageUrl, WebUtility.HtmlDecode(action.Groups[1].Value));
        var fields = HiddenField().Matches(html)
            .Select(m => KeyValuePair.Create(WebUtility.HtmlDecode(m.Groups[1].Value), WebUtility.HtmlDecode(m.Groups[2].Value)));
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("Origin", pageUrl.GetLeftPart(UriPartial.Authority));
        return (await SendAsync(request), url);
    }

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]*)\">")]
    private static partial Regex FormPostAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();

    /// <summary>Posts the sign-in form on <paramref name="page"/> (served at <paramref name="pageUrl"/>) with the anti-forgery field it carries.</summary>
    public async Task<HttpResponseMessage> SignInAsync(HttpResponseMessage page, Uri pageUrl, string userName = KeycardFactory.UserName, string password = KeycardFactory.Password)
    {
        using var request = await SignInForm.BuildAsync(page, pageUrl, userName, password);
        return await SendAsync(request);
    }
}
