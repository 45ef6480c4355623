using System.Net;
using Keycard.Core.Security;

namespace Keycard.Server.Tests.Contracts;

/// <summary>
/// What the revocation endpoint answers in every dialect when the client identifies itself (RFC 7009 §2). How a
/// dialect treats a request without client credentials differs and is tested with each dialect.
/// </summary>
public abstract class RevocationEndpointContract<TDialect> : EndpointContract<TDialect>
    where TDialect : Dialect, new()
{
    [Fact]
    public async Task Revoke_AccessToken_Returns200AndTheTokenStopsWorking()
    {
        var tokens = await SignInConfidentialAsync();

        using var response = await Dialect.RevokeAsync(new RevokeCall(tokens.AccessToken, ConfidentialClientId, Secret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal(HttpStatusCode.Unauthorized, await ApiStatusAsync(tokens.AccessToken));
    }

    [Fact]
    public async Task Revoke_RefreshToken_EndsTheWholeAuthorization()
    {
        // RFC 7009 §2.1: revoking a refresh token SHOULD also invalidate the access tokens of the same grant.
        var tokens = await SignInConfidentialAsync();

        using var response = await Dialect.RevokeAsync(new RevokeCall(tokens.RefreshToken, ConfidentialClientId, Secret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await ApiStatusAsync(tokens.AccessToken));
        using var refresh = await RefreshAsync(tokens.RefreshToken!, ConfidentialClientId, Secret);
        await Dialect.AssertErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Revoke_PublicClientWithItsIdOnly_RevokesItsOwnToken()
    {
        // RFC 6749 §2.1: a public client has no secret; its client_id names it (RFC 7009 §2.1).
        var tokens = await SignInPublicAsync();

        using var response = await Dialect.RevokeAsync(new RevokeCall(tokens.AccessToken, PublicClientId));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await ApiStatusAsync(tokens.AccessToken));
    }

    [Fact]
    public async Task Revoke_UnknownToken_Returns200()
    {
        // RFC 7009 §2.2: invalid tokens do not cause an error response.
        using var response = await Dialect.RevokeAsync(new RevokeCall(SecureToken.Generate(), ConfidentialClientId, Secret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Revoke_TokenOfAnotherClient_Returns200ButLeavesTheTokenAlone()
    {
        // RFC 7009 §2.1: the server verifies the token was issued to the client making the request.
        var tokens = await SignInPublicAsync();

        using var response = await Dialect.RevokeAsync(new RevokeCall(tokens.AccessToken, ConfidentialClientId, Secret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await ApiStatusAsync(tokens.AccessToken));
    }

    [Fact]
    public async Task Revoke_WrongSecret_Is401InvalidClientAndTheTokenStillWorks()
    {
        // RFC 7009 §2.1: the server first validates the client credentials.
        var tokens = await SignInConfidentialAsync();

        using var response = await Dialect.RevokeAsync(new RevokeCall(tokens.AccessToken, ConfidentialClientId, "wrong"));

        await Dialect.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
        Assert.Equal(HttpStatusCode.OK, await ApiStatusAsync(tokens.AccessToken));
    }

    [Fact]
    public async Task Revoke_NoToken_IsInvalidRequest()
    {
        // RFC 7009 §2.1: token is REQUIRED.
        using var response = await Dialect.RevokeAsync(new RevokeCall(null, ConfidentialClientId, Secret));

        await Dialect.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }
}
