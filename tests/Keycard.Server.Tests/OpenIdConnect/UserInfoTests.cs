using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Keycard.Server.Tests.Infrastructure;
using Keycard.Server.Tests.OAuth;

namespace Keycard.Server.Tests.OpenIdConnect;

/// <summary>OpenID Connect Core §5.3 and §5.4: the UserInfo endpoint, with RFC 6750's errors.</summary>
public sealed class UserInfoTests : OAuthTestBase
{
    private async Task<string> AccessTokenAsync(string scope)
    {
        var code = await GetCodeAsync(OAuthForms.AuthorizeUrl(scope: scope));
        using var response = await ExchangeAsync(code);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await JsonAsync(response)).GetProperty("access_token").GetString()!;
    }

    private async Task<HttpResponseMessage> GetUserInfoAsync(string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/oauth2/userinfo");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await Http.SendAsync(request);
    }

    [Fact]
    public async Task UserInfo_OpenIdProfileEmail_ReturnsEveryClaimKeycardHas()
    {
        using var response = await GetUserInfoAsync(await AccessTokenAsync("openid profile email"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await JsonAsync(response);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("sub").GetString()));
        Assert.Equal("alice", body.GetProperty("preferred_username").GetString());
        Assert.Equal("Alice Liddell", body.GetProperty("name").GetString());
        Assert.Equal("Alice", body.GetProperty("given_name").GetString());
        Assert.Equal("Liddell", body.GetProperty("family_name").GetString());
        Assert.Equal("alice@example.com", body.GetProperty("email").GetString());
        Assert.Equal(JsonValueKind.False, body.GetProperty("email_verified").ValueKind);
    }

    [Fact]
    public async Task UserInfo_OpenIdOnly_ReturnsSubAlone()
    {
        using var response = await GetUserInfoAsync(await AccessTokenAsync("openid"));

        var body = await JsonAsync(response);
        Assert.Equal(["sub"], body.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task UserInfo_SubMatchesTheIdTokensSub()
    {
        var code = await GetCodeAsync(OAuthForms.AuthorizeUrl(scope: "openid email"));
        using var exchanged = await ExchangeAsync(code);
        var tokens = await JsonAsync(exchanged);

        using var response = await GetUserInfoAsync(tokens.GetProperty("access_token").GetString());

        // Core §5.3.2: the sub in the UserInfo response MUST match the ID token's.
        var idToken = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(tokens.GetProperty("id_token").GetString());
        Assert.Equal(idToken.Subject, (await JsonAsync(response)).GetProperty("sub").GetString());
    }

    [Fact]
    public async Task UserInfo_PostWithTokenInTheBody_Works()
    {
        var token = await AccessTokenAsync("openid email");

        using var response = await Http.PostAsync("/oauth2/userinfo", new FormUrlEncodedContent([new("access_token", token)]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("alice@example.com", (await JsonAsync(response)).GetProperty("email").GetString());
    }

    [Fact]
    public async Task UserInfo_TokenWithoutOpenId_Is403InsufficientScope()
    {
        using var response = await GetUserInfoAsync(await AccessTokenAsync("email"));

        // RFC 6750 §3.1: insufficient_scope is 403, with the scope needed.
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("error=\"insufficient_scope\"", challenge.Parameter, StringComparison.Ordinal);
        Assert.Contains("scope=\"openid\"", challenge.Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserInfo_UnknownToken_Is401InvalidToken()
    {
        using var response = await GetUserInfoAsync("not-a-token");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.Single().Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserInfo_NoToken_Is401ChallengeWithoutErrorCode()
    {
        using var response = await GetUserInfoAsync(null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.DoesNotContain("error=", challenge.Parameter ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserInfo_FromARegisteredOrigin_CarriesCorsHeaders()
    {
        var token = await AccessTokenAsync("openid");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/oauth2/userinfo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("Origin", KeycardFactory.Origin);

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(KeycardFactory.Origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }
}
