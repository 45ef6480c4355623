using System.Net;
using System.Text.Json;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.IOffice;

/// <summary>
/// RFC 9110 §15.5.2: every 401 carries a WWW-Authenticate challenge. The iOFFICE dialect's is always Bearer (RFC 6750 §3),
/// never Basic, which would pop the browser's password dialog over the guide's XHR clients; the bodies stay as they were.
/// </summary>
public sealed class IOfficeChallengeTests : IOfficeTestBase
{
    [Fact]
    public async Task Auth_UnknownClient_Is401WithBareBearerChallenge()
    {
        using var response = await Client.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, "nobody");

        await AssertInvalidClientAsync(response);
    }

    [Fact]
    public async Task Token_WrongClientSecret_Is401WithBareBearerChallenge()
    {
        var code = await Client.GetCodeAsync(KeycardFactory.ConfidentialClientId, Factory.ConfidentialSecret);

        using var response = await Client.ExchangeAsync(code, KeycardFactory.ConfidentialClientId, secret: "wrong");

        await AssertInvalidClientAsync(response);
    }

    [Fact]
    public async Task Revoke_WrongClientSecret_Is401WithBareBearerChallenge()
    {
        var tokens = await Client.SignInAsync();

        using var response = await Client.RevokeAsync(tokens.AccessToken, clientId: KeycardFactory.ConfidentialClientId, secret: "wrong");

        await AssertInvalidClientAsync(response);
    }

    [Fact]
    public async Task TokenInfo_UnknownToken_Is401WithInvalidTokenChallenge()
    {
        using var response = await Client.TokenInfoAsync("not-a-token");

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("error=\"invalid_token\"", challenge.Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenInfo_NoToken_Is401WithBareBearerChallenge()
    {
        using var response = await Client.TokenInfoAsync(null);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
        // RFC 6750 §3.1: no error code when the request carried no token.
        Assert.Equal("Bearer realm=\"keycard\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task UsersMe_RemovedUser_Is401WithInvalidTokenChallenge()
    {
        var tokens = await Client.SignInAsync();
        await Factory.WithScopeAsync(sp => sp.GetRequiredService<Keycard.Storage.Users.UserAdministration>()
            .RemoveAsync(KeycardFactory.UserName, CancellationToken.None));

        using var response = await Client.MeAsync(tokens.AccessToken);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("error=\"invalid_token\"", challenge.Parameter, StringComparison.Ordinal);
    }

    private static async Task AssertInvalidClientAsync(HttpResponseMessage response)
    {
        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
        // The client authenticated with x- headers, which no HTTP scheme names: a bare challenge, the error in the body.
        Assert.Equal("Bearer realm=\"keycard\"", response.Headers.WwwAuthenticate.ToString());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["status", "error", "errorDescription"], body.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(401, body.RootElement.GetProperty("status").GetInt32());
    }
}
