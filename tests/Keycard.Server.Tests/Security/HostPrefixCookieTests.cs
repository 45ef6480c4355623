using System.Net;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.Security;

/// <summary>
/// Issue 12 item 10: over https the sign-in session and anti-forgery cookies carry the <c>__Host-</c> prefix
/// (RFC 6265bis §4.1.3.2), so a sibling subdomain or plain-http page cannot plant them.
/// </summary>
public sealed class HostPrefixCookieTests
{
    [Fact]
    public async Task SignIn_OverHttps_SetsHostPrefixedSecureCookiesAndSignsIn()
    {
        using var factory = await new KeycardFactory().SeedAsync();
        var page = LoginPageClient.Create(factory, "https://keycard.example.com");
        var query = LoginPageClient.DefaultQuery();

        var (form, _) = await page.GetAsync(query);
        var antiforgery = form.Headers.GetValues("Set-Cookie").Single(c => c.Contains("keycard.antiforgery=", StringComparison.Ordinal));
        using var signIn = await page.SignInAsync(query);
        var session = signIn.Headers.GetValues("Set-Cookie").Single(c => c.Contains("keycard.session=", StringComparison.Ordinal));

        Assert.StartsWith("__Host-keycard.antiforgery=", antiforgery, StringComparison.Ordinal);
        Assert.StartsWith("__Host-keycard.session=", session, StringComparison.Ordinal);
        foreach (var cookie in new[] { antiforgery, session })
        {
            Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("path=/;", cookie + ";", StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("domain=", cookie, StringComparison.OrdinalIgnoreCase);
        }

        // The prefixed anti-forgery cookie came back and was accepted: the sign-in redirected with a code.
        Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
    }

    [Fact]
    public async Task Authorize_OverHttpsWithUnprefixedSessionCookie_IgnoresIt()
    {
        using var factory = await new KeycardFactory().SeedAsync();
        var https = LoginPageClient.Create(factory, "https://keycard.example.com");
        using var signIn = await https.SignInAsync(LoginPageClient.DefaultQuery());
        var session = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("__Host-keycard.session=", StringComparison.Ordinal));
        var value = session.Split(';')[0]["__Host-keycard.session=".Length..];

        // A planted, unprefixed copy (e.g. set by a sibling subdomain) must not act as a session.
        var plain = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            HandleCookies = false,
            BaseAddress = new Uri("https://keycard.example.com"),
        });
        using var planted = new HttpRequestMessage(HttpMethod.Get, OAuthForms.AuthorizeUrl());
        planted.Headers.Add("Cookie", "keycard.session=" + value);
        using var prefixed = new HttpRequestMessage(HttpMethod.Get, OAuthForms.AuthorizeUrl());
        prefixed.Headers.Add("Cookie", "__Host-keycard.session=" + value);

        using var withPlanted = await plain.SendAsync(planted);
        using var withPrefixed = await plain.SendAsync(prefixed);

        Assert.Equal(HttpStatusCode.OK, withPlanted.StatusCode);
        Assert.Equal(HttpStatusCode.Found, withPrefixed.StatusCode);
    }
}
