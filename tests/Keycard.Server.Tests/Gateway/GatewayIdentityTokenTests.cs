using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.Server.Tests.Gateway;

/// <summary>The upstream learns who called from a short-lived JWT signed with Keycard's keys, in Authorization.</summary>
public sealed class GatewayIdentityTokenTests : GatewayTestBase
{
    [Theory]
    [InlineData("header")]
    [InlineData("query")]
    [InlineData("bearer")]
    public async Task ProxiedRoute_AnyTransport_UpstreamGetsJwtValidAgainstJwksWithCallersClaims(string transport)
    {
        var tokens = await SignInAsync();

        using var response = await GetAsync(Prefix + "/orders/42", tokens.AccessToken, transport);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var jwt = BearerOf(Upstream.Last());
        var result = await ValidateAsync(jwt, audience: "orders");
        Assert.True(result.IsValid, result.Exception?.Message);
        var token = (JsonWebToken)result.SecurityToken;
        Assert.Equal("keycard-upstream+jwt", token.Typ);
        Assert.Equal(BaseUrl, token.Issuer);
        Assert.Equal(["orders"], token.Audiences);
        Assert.Equal(await UserIdAsync(tokens.AccessToken), token.Subject);
        Assert.Equal(KeycardFactory.PublicClientId, token.GetClaim("client_id").Value);
        Assert.Equal("email", token.GetClaim("scope").Value);
        Assert.Equal(Factory.Time.GetUtcNow().ToUnixTimeSeconds(), token.GetPayloadValue<long>("iat"));
        Assert.Equal(60, token.GetPayloadValue<long>("exp") - token.GetPayloadValue<long>("iat"));
        Assert.False(string.IsNullOrEmpty(token.Id));
    }

    [Fact]
    public async Task ProxiedRoute_SameTokenWithinAQuarterOfTheLifetime_ReusesTheJwtThenMintsANewOne()
    {
        var tokens = await SignInAsync();

        var first = await ProxiedJwtAsync(tokens.AccessToken);
        Factory.Time.Advance(TimeSpan.FromSeconds(14));
        var reused = await ProxiedJwtAsync(tokens.AccessToken);
        Factory.Time.Advance(TimeSpan.FromSeconds(2));
        var fresh = await ProxiedJwtAsync(tokens.AccessToken);

        Assert.Equal(first, reused);
        Assert.NotEqual(first, fresh);
        Assert.NotEqual(tokens.AccessToken, first);
    }

    [Fact]
    public async Task ProxiedRoute_SameTokenThroughTwoLoopbackHostNames_EachJwtCarriesItsOwnIssuer()
    {
        // Without a configured issuer it follows the loopback host the request named (OAuthIssuer, RFC 9207 §2.4):
        // a JWT reused from a request through "localhost" must not reach a request through "127.0.0.1" with its iss.
        var tokens = await SignInAsync();
        var port = new Uri(BaseUrl).Port;

        var issuers = new List<string>();
        foreach (var host in new[] { "localhost", "127.0.0.1", "localhost" })
        {
            using var request = Request(HttpMethod.Get, Prefix + "/orders/1", tokens.AccessToken, "bearer");
            request.Headers.Host = host + ":" + port;
            using var response = await Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            issuers.Add(new JsonWebToken(BearerOf(Upstream.Last())).Issuer);
        }

        Assert.Equal(["http://localhost:" + port, "http://127.0.0.1:" + port, "http://localhost:" + port], issuers);
    }

    [Fact]
    public async Task ProxiedRoute_TwoSignInsAtTheSameInstant_NeverShareAJwt()
    {
        // The reuse is keyed by the access token: another token (another sign-in, user, client or scope) gets its own.
        var alice = await SignInAsync();
        var again = await SignInAsync("email orders.write");

        var first = await ProxiedJwtAsync(alice.AccessToken);
        var second = await ProxiedJwtAsync(again.AccessToken);

        Assert.NotEqual(first, second);
        Assert.Equal("email orders.write", new JsonWebToken(second).GetClaim("scope").Value);
    }

    [Fact]
    public async Task ProxiedRoute_TokenRevokedWhileItsJwtIsReusable_Is401AndReachesNoUpstream()
    {
        var tokens = await SignInAsync();
        await ProxiedJwtAsync(tokens.AccessToken);
        using (var revoke = await Client.RevokeAsync(tokens.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        var before = Upstream.Received.Count;
        using var response = await GetAsync(Prefix + "/orders/1", tokens.AccessToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, Upstream.Received.Count);
    }

    private async Task<string> ProxiedJwtAsync(string accessToken)
    {
        using var response = await GetAsync(Prefix + "/orders/1", accessToken, "bearer");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return BearerOf(Upstream.Last());
    }

    [Fact]
    public async Task ProxiedRoute_ClientSendsBasicAuthorizationBesideHeaderToken_UpstreamGetsOnlyKeycardsJwt()
    {
        var tokens = await SignInAsync();
        using var request = Request(HttpMethod.Get, Prefix + "/orders/1", tokens.AccessToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "YWxpY2U6c2VjcmV0");

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var authorization = Upstream.Last().Headers["Authorization"];
        Assert.DoesNotContain("YWxpY2U6c2VjcmV0", authorization, StringComparison.Ordinal);
        Assert.True((await ValidateAsync(BearerOf(Upstream.Last()), "orders")).IsValid);
    }

    [Fact]
    public async Task ProxiedRoute_JwtForOneRoute_DoesNotValidateForAnother()
    {
        var tokens = await SignInAsync();

        using var response = await GetAsync(Prefix + "/orders/1", tokens.AccessToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False((await ValidateAsync(BearerOf(Upstream.Last()), audience: "upstream")).IsValid);
    }

    [Fact]
    public async Task ProxiedRoute_ClientCredentialsToken_SubjectIsTheClient()
    {
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        tokenRequest.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(
            System.Text.Encoding.ASCII.GetBytes(KeycardFactory.ConfidentialClientId + ":" + Uri.EscapeDataString(Factory.ConfidentialSecret))));
        using var issued = await Http.SendAsync(tokenRequest);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var accessToken = JsonDocument.Parse(await issued.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;

        using var response = await GetAsync(Prefix + "/anything", accessToken, "bearer");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = new JsonWebToken(BearerOf(Upstream.Last()));
        Assert.Equal(KeycardFactory.ConfidentialClientId, token.Subject);
        Assert.Equal(KeycardFactory.ConfidentialClientId, token.GetClaim("client_id").Value);
        Assert.Equal(["upstream"], token.Audiences);
    }

    private static string BearerOf(ReceivedRequest received)
    {
        var authorization = received.Headers["Authorization"];
        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);
        return authorization["Bearer ".Length..];
    }

    private async Task<string> UserIdAsync(string accessToken)
    {
        using var me = await GetAsync(Prefix + "/users/me", accessToken);
        return JsonDocument.Parse(await me.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetRawText();
    }

    /// <summary>What an upstream does: the keys from Keycard's JWKS, Keycard's issuer, its own route as audience.</summary>
    private async Task<TokenValidationResult> ValidateAsync(string jwt, string audience)
    {
        var keys = new JsonWebKeySet(await Http.GetStringAsync("/.well-known/jwks.json"));
        return await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = BaseUrl,
            ValidAudience = audience,
            IssuerSigningKeys = keys.GetSigningKeys(),
            ValidTypes = ["keycard-upstream+jwt"],

            // The test's clock is a FakeTimeProvider; iat/exp are asserted against it above.
            ValidateLifetime = false,
        });
    }
}
