using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.IOffice;

public sealed class IOfficeRevokeAndTokenInfoTests : IOfficeTestBase
{
    [Fact]
    public async Task Revoke_AccessTokenWithPost_ApiRefusesIt()
    {
        var tokens = await Client.SignInAsync();

        using var revoke = await Client.RevokeAsync(tokens.AccessToken);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        using var me = await Client.MeAsync(tokens.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task Revoke_AccessTokenWithGet_ApiRefusesIt()
    {
        var tokens = await Client.SignInAsync();

        using var revoke = await Client.RevokeAsync(tokens.AccessToken, HttpMethod.Get);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        using var me = await Client.MeAsync(tokens.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task Revoke_RefreshToken_EndsItAndTheAccessTokensIssuedFromIt()
    {
        var tokens = await Client.SignInAsync();

        using var revoke = await Client.RevokeAsync(tokens.RefreshToken);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        using var refresh = await Client.RefreshAsync(tokens.RefreshToken);
        await ResponseAssert.ErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant");
        using var me = await Client.MeAsync(tokens.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task Revoke_UnknownToken_Is200()
    {
        using var revoke = await Client.RevokeAsync("unknown-token-value");

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
    }

    [Fact]
    public async Task Revoke_ConfidentialClientsTokenWithXTokenAlone_RevokesIt()
    {
        // Issue 13 item 1 / issue 12 item 9: the guide's revoke needs only x-token ("The only header needed is:
        // x-token"). Holding a token is more power than revoking it gives (RFC 7009 §5).
        var tokens = await Client.SignInAsync(KeycardFactory.ConfidentialClientId, Factory.ConfidentialSecret);

        using var revoke = await Client.RevokeAsync(tokens.AccessToken);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        using var me = await Client.MeAsync(tokens.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task Revoke_RealAndUnknownTokenWithXTokenAlone_AnswerAlike()
    {
        // Issue 12 item 9: no oracle; RFC 7009 §2.2 answers 200 whether or not the token was known.
        var tokens = await Client.SignInAsync(KeycardFactory.ConfidentialClientId, Factory.ConfidentialSecret);

        using var real = await Client.RevokeAsync(tokens.RefreshToken);
        using var unknown = await Client.RevokeAsync(tokens.RefreshToken + "x");

        Assert.Equal(HttpStatusCode.OK, real.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Equal(await real.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Revoke_ClientIdWithWrongSecret_IsInvalidClientAndTokenSurvives()
    {
        var tokens = await Client.SignInAsync(KeycardFactory.ConfidentialClientId, Factory.ConfidentialSecret);

        using var revoke = await Client.RevokeAsync(tokens.AccessToken, clientId: KeycardFactory.ConfidentialClientId, secret: "wrong");

        await ResponseAssert.ErrorAsync(revoke, HttpStatusCode.Unauthorized, "invalid_client");
        using var me = await Client.MeAsync(tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task TokenInfo_ValidToken_ReturnsClientUserScopeAndExpiry()
    {
        var tokens = await Client.SignInAsync();

        using var response = await Client.TokenInfoAsync(tokens.AccessToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(KeycardFactory.PublicClientId, body.GetProperty("clientId").GetString());
        Assert.Equal(1, body.GetProperty("userId").GetInt32());
        Assert.Equal("email", body.GetProperty("scope").GetString());
        Assert.Equal(Factory.Time.GetUtcNow().AddHours(1).ToUnixTimeMilliseconds(), body.GetProperty("expiresAt").GetInt64());
        Assert.Equal(3_600_000, body.GetProperty("expiresIn").GetInt64());
    }

    [Fact]
    public async Task TokenInfo_ExpiredToken_Is401()
    {
        var tokens = await Client.SignInAsync();
        Factory.Time.Advance(TimeSpan.FromHours(1));

        using var response = await Client.TokenInfoAsync(tokens.AccessToken);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Fact]
    public async Task TokenInfo_RefreshTokenOrGarbage_Is401()
    {
        var tokens = await Client.SignInAsync();

        using var refresh = await Client.TokenInfoAsync(tokens.RefreshToken);
        using var garbage = await Client.TokenInfoAsync("garbage");
        using var missing = await Client.TokenInfoAsync(null);

        await ResponseAssert.ErrorAsync(refresh, HttpStatusCode.Unauthorized, "invalid_token");
        await ResponseAssert.ErrorAsync(garbage, HttpStatusCode.Unauthorized, "invalid_token");
        await ResponseAssert.ErrorAsync(missing, HttpStatusCode.Unauthorized, "invalid_token");
    }
}
