using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.IOffice;

public sealed class RestApiTests : IOfficeTestBase
{
    [Theory]
    [InlineData("header")]
    [InlineData("query")]
    [InlineData("bearer")]
    public async Task UsersMe_ValidTokenByEachTransport_ReturnsIOfficeUser(string transport)
    {
        var tokens = await Client.SignInAsync();

        using var response = await Client.MeAsync(tokens.AccessToken, transport);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var user = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Number, user.GetProperty("id").ValueKind);
        Assert.Equal(KeycardFactory.UserName, user.GetProperty("userName").GetString());
        Assert.Equal("Alice", user.GetProperty("firstName").GetString());
        Assert.Equal("Liddell", user.GetProperty("lastName").GetString());
        Assert.Equal("Alice Liddell", user.GetProperty("name").GetString());
        Assert.Equal("alice@example.com", user.GetProperty("email").GetString());
        Assert.Equal(Factory.Time.GetUtcNow().ToUnixTimeMilliseconds(), user.GetProperty("dateCreated").GetInt64());
        Assert.Equal(JsonValueKind.Number, user.GetProperty("dateUpdated").ValueKind);
    }

    [Theory]
    [InlineData("header")]
    [InlineData("query")]
    public async Task UsersMe_ExpiredTokenTheGuidesWay_Is403SoClientsRefresh(string transport)
    {
        var tokens = await Client.SignInAsync();
        Factory.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        using var response = await Client.MeAsync(tokens.AccessToken, transport);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Forbidden, "invalid_token");
    }

    [Fact]
    public async Task UsersMe_ExpiredBearerToken_Is401WithInvalidTokenChallenge()
    {
        var tokens = await Client.SignInAsync();
        Factory.Time.Advance(TimeSpan.FromHours(2));

        using var response = await Client.MeAsync(tokens.AccessToken, "bearer");

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.StartsWith("Bearer", challenge, StringComparison.Ordinal);
        Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("header")]
    [InlineData("query")]
    [InlineData("bearer")]
    public async Task UsersMe_UnknownToken_Is401(string transport)
    {
        using var response = await Client.MeAsync("not-a-token", transport);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Theory]
    [InlineData("header", "********AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("bearer", "********AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("header", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task UsersMe_ForgedTokenOfTheIssuedLength_Is401NotAServerError(string transport, string forged)
    {
        // Issued tokens are 51 characters whose first 8 carry the issue time; a forged one of that length, with or
        // without a decodable time, is looked up like any other unknown value.
        Assert.Equal(Keycard.Core.Security.SecureToken.OrderedTokenLength, forged.Length);

        using var response = await Client.MeAsync(forged, transport);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Fact]
    public async Task UsersMe_NoToken_Is401WithBareChallenge()
    {
        using var response = await Client.Http.GetAsync("/external/api/rest/v2/users/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        // RFC 6750 §3.1: no error code when the request carried no credentials.
        Assert.Equal("Bearer realm=\"keycard\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task UsersMe_TokenSentTwoWays_IsInvalidRequest()
    {
        var tokens = await Client.SignInAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/external/api/rest/v2/users/me?access_token=" + tokens.AccessToken);
        request.Headers.Add("x-access-token", tokens.AccessToken);

        using var response = await Client.Http.SendAsync(request);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task UsersMe_RefreshTokenUsedAsAccessToken_Is401()
    {
        var tokens = await Client.SignInAsync();

        using var response = await Client.MeAsync(tokens.RefreshToken!);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task UsersMe_ClientCredentialsToken_IsRefusedWithoutAUser()
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/external/api/oauth2/token");
        request.Headers.Add("x-grant-type", "client_credentials");
        request.Headers.Add("x-client-id", KeycardFactory.ConfidentialClientId);
        request.Headers.Add("x-client-secret", Factory.ConfidentialSecret);
        using var issued = await Client.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var tokens = await TokenSet.ReadAsync(issued);
        Assert.Null(tokens.RefreshToken);

        using var response = await Client.MeAsync(tokens.AccessToken);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Forbidden, "access_denied");
    }

    [Fact]
    public async Task UsersMe_RemovedUser_Is401()
    {
        var tokens = await Client.SignInAsync();
        await Factory.WithScopeAsync(sp => sp.GetRequiredService<Keycard.Storage.Users.UserAdministration>()
            .RemoveAsync(KeycardFactory.UserName, CancellationToken.None));

        using var response = await Client.MeAsync(tokens.AccessToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
