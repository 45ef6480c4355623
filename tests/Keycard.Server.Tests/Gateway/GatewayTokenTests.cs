using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.Gateway;

/// <summary>The gateway checks the caller's token exactly as users/me does, then forwards without it.</summary>
public sealed class GatewayTokenTests : GatewayTestBase
{
    [Theory]
    [InlineData("header")]
    [InlineData("query")]
    [InlineData("bearer")]
    public async Task ProxiedRoute_ValidTokenByEachTransport_ReachesUpstreamWithoutTheToken(string transport)
    {
        var tokens = await SignInAsync();

        using var response = await GetAsync(Prefix + "/orders/42?page=2", tokens.AccessToken, transport);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Upstream.Last();
        Assert.Equal("/v1/orders/42", received.Path);
        Assert.Equal("?page=2", received.Query);
        Assert.DoesNotContain(received.Headers, h => h.Value.Contains(tokens.AccessToken, StringComparison.Ordinal));
        Assert.DoesNotContain(tokens.AccessToken, received.Query, StringComparison.Ordinal);
        Assert.False(received.Headers.ContainsKey("x-access-token"));
        Assert.StartsWith("Bearer ey", received.Headers["Authorization"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProxiedRoute_UpstreamsEmpty404_IsPassedOnWithoutABody()
    {
        // Keycard fills only its own empty 404 and 405 answers with problem details, never an API's.
        var tokens = await SignInAsync();

        using var response = await GetAsync(Prefix + "/orders/missing", tokens.AccessToken, "header");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(response.Content.Headers.ContentType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ProxiedRoute_QueryTokenInAnotherCase_IsStillRemoved()
    {
        var tokens = await SignInAsync();

        using var response = await Http.GetAsync(Prefix + "/orders/1?ACCESS_TOKEN=" + Uri.EscapeDataString(tokens.AccessToken) + "&x=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("?x=1", Upstream.Last().Query);
    }

    [Fact]
    public async Task ProxiedRoute_QueryTokenWithAnEscapedName_IsStillRemoved()
    {
        // The query's names are percent-decoded before the token check reads them (RFC 3986 §2.1), so access%5Ftoken is
        // the access token too: the transform must not skip a query because it lacks the literal name.
        var tokens = await SignInAsync();

        using var response = await Http.GetAsync(Prefix + "/orders/1?x=1&Access%5FToken=" + Uri.EscapeDataString(tokens.AccessToken));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("?x=1", Upstream.Last().Query);
    }

    [Fact]
    public async Task ProxiedRoute_QueryAndCookiesWithoutTokenOrKeycardCookie_ReachUpstreamUnchanged()
    {
        var tokens = await SignInAsync();
        using var request = Request(HttpMethod.Get, Prefix + "/orders/1?page=2&sort=name", tokens.AccessToken);
        request.Headers.Add("Cookie", "theme=dark;lang=en");

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Upstream.Last();
        Assert.Equal("?page=2&sort=name", received.Query);
        Assert.Equal("theme=dark;lang=en", received.Headers["Cookie"]);
    }

    [Theory]
    [InlineData("header")]
    [InlineData("query")]
    public async Task ProxiedRoute_ExpiredTokenTheGuidesWay_Is403SoClientsRefresh(string transport)
    {
        var tokens = await SignInAsync();
        Factory.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        using var response = await GetAsync(Prefix + "/orders/1", tokens.AccessToken, transport);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Forbidden, "invalid_token");
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task ProxiedRoute_ExpiredBearerToken_Is401WithRfc6750Challenge()
    {
        var tokens = await SignInAsync();
        Factory.Time.Advance(TimeSpan.FromHours(2));

        using var response = await GetAsync(Prefix + "/orders/1", tokens.AccessToken, "bearer");

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task ProxiedRoute_RevokedToken_Is401()
    {
        var tokens = await SignInAsync();
        using (var revoke = await Client.RevokeAsync(tokens.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        using var response = await GetAsync(Prefix + "/orders/1", tokens.AccessToken);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task ProxiedRoute_NoToken_Is401WithBareChallenge()
    {
        using var response = await Http.GetAsync(Prefix + "/orders/1");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        // RFC 6750 §3.1: no error code when the request carried no credentials.
        Assert.Equal("Bearer realm=\"keycard\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task ProxiedRoute_TokenSentTwoWays_Is400InvalidRequest()
    {
        var tokens = await SignInAsync();
        using var request = Request(HttpMethod.Get, Prefix + "/orders/1", tokens.AccessToken, "query");
        request.Headers.Add("x-access-token", tokens.AccessToken);

        using var response = await Http.SendAsync(request);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task ProxiedRoute_TokenWithoutTheRoutesScope_Is403InsufficientScope()
    {
        var tokens = await SignInAsync(scope: "profile");

        using var response = await GetAsync(Prefix + "/orders/1", tokens.AccessToken);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Forbidden, "insufficient_scope");
        Assert.Contains("scope=\"email\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task ProxiedRoute_MethodWithItsOwnScope_NeedsThatScope()
    {
        var reader = await SignInAsync(scope: "email");
        var writer = await SignInAsync(scope: "email orders.write");

        using var refused = await Http.SendAsync(Request(HttpMethod.Post, Prefix + "/orders", reader.AccessToken));
        using var allowed = await Http.SendAsync(Request(HttpMethod.Post, Prefix + "/orders", writer.AccessToken));

        await ResponseAssert.ErrorAsync(refused, HttpStatusCode.Forbidden, "insufficient_scope");
        Assert.Contains("scope=\"orders.write\"", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("POST", Assert.Single(Upstream.Received).Method);
    }

    [Fact]
    public async Task UsersMe_WithAnUpstreamForThePrefix_IsStillAnsweredByKeycard()
    {
        var tokens = await SignInAsync();

        using var me = await GetAsync(Prefix + "/users/me", tokens.AccessToken);
        using var other = await GetAsync(Prefix + "/users/7", tokens.AccessToken);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(KeycardFactory.UserName, (await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("userName").GetString());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal("/root/users/7", Assert.Single(Upstream.Received).Path);
    }

    [Fact]
    public async Task ProxiedRoute_ClientSentIdentityHeaders_AreReplacedByKeycards()
    {
        var tokens = await SignInAsync();
        using var request = Request(HttpMethod.Get, Prefix + "/orders/1", tokens.AccessToken);
        request.Headers.Add("X-Keycard-User-Id", "999");
        request.Headers.Add("X-Keycard-Client-Id", "admin-console");
        request.Headers.Add("X-Keycard-Scope", "admin");
        request.Headers.Add("X-Keycard-Role", "root");

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Upstream.Last();
        Assert.Equal(KeycardFactory.PublicClientId, received.Headers["X-Keycard-Client-Id"]);
        Assert.Equal("email", received.Headers["X-Keycard-Scope"]);
        using var me = await GetAsync(Prefix + "/users/me", tokens.AccessToken);
        var userId = (await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        Assert.Equal(userId.ToString(System.Globalization.CultureInfo.InvariantCulture), received.Headers["X-Keycard-User-Id"]);
        Assert.False(received.Headers.ContainsKey("X-Keycard-Role"));
    }

    [Fact]
    public async Task ProxiedRoute_WithoutForwardIdentity_StripsClientSentIdentityHeaders()
    {
        var tokens = await SignInAsync();
        using var request = Request(HttpMethod.Get, Prefix + "/anything", tokens.AccessToken);
        request.Headers.Add("X-Keycard-User-Id", "1");
        request.Headers.Add("Cookie", "keycard.session=abc; theme=dark");

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Upstream.Last();
        Assert.DoesNotContain(received.Headers, h => h.Key.StartsWith("X-Keycard-", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("theme=dark", received.Headers["Cookie"]);
    }
}
