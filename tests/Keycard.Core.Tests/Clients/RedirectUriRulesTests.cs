using Keycard.Core.Clients;

namespace Keycard.Core.Tests.Clients;

/// <summary>RFC 6749 §3.1.2 (what may be registered) and RFC 9700 §4.1.3 (exact string matching).</summary>
public sealed class RedirectUriRulesTests
{
    private static Client ClientWith(params string[] redirectUris) =>
        new() { ClientId = "app", Name = "App", AppCode = "app", RedirectUris = redirectUris };

    [Theory]
    [InlineData("https://app.example.com/callback")]
    [InlineData("https://app.example.com:8443/callback?tenant=1")]
    [InlineData("http://127.0.0.1:5000/callback")]
    [InlineData("http://[::1]:5000/callback")]
    [InlineData("http://localhost:5000/callback")]
    [InlineData("com.example.app:/oauth2redirect")]
    public void ValidateForRegistration_AcceptableUri_IsAccepted(string uri)
    {
        // RFC 9700 §2.1 and RFC 8252 §7: https, http on a loopback address, or a native app's private-use scheme.
        Assert.Null(RedirectUriRules.ValidateForRegistration(uri));
    }

    [Theory]
    [InlineData("https://app.example.com/callback#fragment")]
    [InlineData("https://app.example.com/callback#")]
    public void ValidateForRegistration_Fragment_IsRefused(string uri)
    {
        // RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include a fragment component.
        Assert.NotNull(RedirectUriRules.ValidateForRegistration(uri));
    }

    [Theory]
    [InlineData("http://app.example.com/callback")]
    [InlineData("HTTP://app.example.com/callback")]
    [InlineData("http://127.0.0.1.example.com/callback")]
    public void ValidateForRegistration_PlainHttpToANonLoopbackHost_IsRefused(string uri)
    {
        // RFC 6749 §3.1.2.1 and RFC 9700 §2.1: redirects carry codes, so they need TLS unless they stay on the device.
        Assert.NotNull(RedirectUriRules.ValidateForRegistration(uri));
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("JavaScript:alert(1)")]
    [InlineData("data:text/html,hello")]
    [InlineData("file:///etc/passwd")]
    [InlineData("vbscript:msgbox")]
    public void ValidateForRegistration_ScriptOrLocalScheme_IsRefused(string uri)
    {
        // RFC 6749 §10.6 / RFC 9700 §4.1: a redirect target must not run script or read local files.
        Assert.NotNull(RedirectUriRules.ValidateForRegistration(uri));
    }

    [Theory]
    [InlineData("/callback")]
    [InlineData("callback")]
    [InlineData("")]
    public void ValidateForRegistration_RelativeUri_IsRefused(string uri)
    {
        // RFC 6749 §3.1.2: the redirection endpoint URI MUST be an absolute URI.
        Assert.NotNull(RedirectUriRules.ValidateForRegistration(uri));
    }

    [Fact]
    public void ValidateForRegistration_LongerThanTheLimit_IsRefused()
    {
        var prefix = "https://app.example.com/";
        Assert.Null(RedirectUriRules.ValidateForRegistration(prefix + new string('a', RedirectUriRules.MaxLength - prefix.Length)));
        Assert.NotNull(RedirectUriRules.ValidateForRegistration(prefix + new string('a', RedirectUriRules.MaxLength - prefix.Length + 1)));
    }

    [Fact]
    public void IsRegistered_IdenticalString_IsTrue()
    {
        var client = ClientWith("https://app.example.com/callback", "https://app.example.com/other");

        Assert.True(RedirectUriRules.IsRegistered(client, "https://app.example.com/other"));
    }

    [Theory]
    [InlineData("https://app.example.com/callback/")]
    [InlineData("https://app.example.com/Callback")]
    [InlineData("https://APP.example.com/callback")]
    [InlineData("https://app.example.com/callback?x=1")]
    [InlineData("https://app.example.com:443/callback")]
    [InlineData("https://app.example.com/callback/../callback")]
    [InlineData("https://app.example.com.evil.com/callback")]
    [InlineData("https://app.example.com/callbackx")]
    [InlineData("")]
    public void IsRegistered_AnyOtherString_IsFalse(string candidate)
    {
        // RFC 9700 §4.1.3: simple string comparison, no normalisation and no pattern matching.
        Assert.False(RedirectUriRules.IsRegistered(ClientWith("https://app.example.com/callback"), candidate));
    }

    [Fact]
    public void IsRegistered_LoopbackOnAnotherPortWithoutTheException_IsFalse()
    {
        // RFC 8252 §7.3's any-port exception is the standard dialect's (LoopbackRedirectUriTests); without it the
        // port is part of the exact match (RFC 9700 §4.1.3), as on the iOFFICE login page.
        Assert.False(RedirectUriRules.IsRegistered(ClientWith("http://127.0.0.1:5000/callback"), "http://127.0.0.1:5001/callback"));
    }

    [Theory]
    [InlineData("https://app.example.com")]
    [InlineData("http://localhost:3000")]
    public void ValidateOrigin_SchemeHostAndPort_IsAccepted(string origin)
    {
        Assert.Null(RedirectUriRules.ValidateOrigin(origin));
    }

    [Theory]
    [InlineData("https://app.example.com/")]
    [InlineData("https://app.example.com/path")]
    [InlineData("ftp://app.example.com")]
    [InlineData("app.example.com")]
    public void ValidateOrigin_AnythingButAnOrigin_IsRefused(string origin)
    {
        // RFC 6454 §6.1: an origin serialises as scheme "://" host [ ":" port ], nothing more.
        Assert.NotNull(RedirectUriRules.ValidateOrigin(origin));
    }
}
