using Keycard.Core.Errors;
using Keycard.Core.Security;
using Keycard.Core.Tests.Fakes;
using Keycard.Core.Tokens;

namespace Keycard.Core.Tests.Tokens;

/// <summary>RFC 7009 §2: who may revoke what, what a revocation ends, and that unknown tokens are not an error.</summary>
public sealed class RevocationServiceTests
{
    private readonly CoreHarness _core = new();
    private readonly TokenMint _mint;
    private readonly RevocationService _service;

    public RevocationServiceTests()
    {
        _mint = new TokenMint(_core);
        _service = new RevocationService(_core.Tokens, _core.ClientAuthenticator, _core.Time);
    }

    private Task<Result<bool>> RevokeAsConfidentialAsync(string? token, string? hint = null) =>
        _service.RevokeAsync(new RevocationRequest
        {
            Token = token,
            TokenTypeHint = hint,
            ClientId = CoreHarness.ConfidentialClientId,
            ClientSecret = _core.Secret,
            RequireClientAuthentication = true,
        }, CancellationToken.None);

    [Fact]
    public async Task Revoke_AccessToken_EndsOnlyThatToken()
    {
        var tokens = await _mint.IssueAsync(_core.ConfidentialClient);

        var result = await RevokeAsConfidentialAsync(tokens.AccessToken);

        Assert.True(result.Value);
        Assert.False(await _core.IsLiveAsync(tokens.AccessToken));

        // RFC 7009 §2.1: revoking an access token MAY leave the refresh token; Keycard leaves it.
        Assert.True(await _core.IsLiveAsync(tokens.RefreshToken!));
    }

    [Fact]
    public async Task Revoke_RefreshToken_EndsEveryTokenOfTheAuthorization()
    {
        // RFC 7009 §2.1: the server SHOULD also invalidate the access tokens based on the same authorization grant.
        var tokens = await _mint.IssueAsync(_core.ConfidentialClient);
        var other = await _mint.IssueAsync(_core.ConfidentialClient);

        var result = await RevokeAsConfidentialAsync(tokens.RefreshToken);

        Assert.True(result.IsSuccess);
        Assert.False(await _core.IsLiveAsync(tokens.RefreshToken!));
        Assert.False(await _core.IsLiveAsync(tokens.AccessToken));
        Assert.True(await _core.IsLiveAsync(other.AccessToken));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("access_token")]
    [InlineData("refresh_token")]
    [InlineData("urn:example:unknown-hint")]
    public async Task Revoke_AnyHint_StillFindsTheToken(string? hint)
    {
        // RFC 7009 §2.1: token_type_hint is only a hint; the server extends its search across all token types.
        var tokens = await _mint.IssueAsync(_core.ConfidentialClient);

        var result = await RevokeAsConfidentialAsync(tokens.AccessToken, hint);

        Assert.True(result.IsSuccess);
        Assert.False(await _core.IsLiveAsync(tokens.AccessToken));
    }

    [Fact]
    public async Task Revoke_UnknownToken_SucceedsWithoutRevoking()
    {
        // RFC 7009 §2.2: invalid tokens do not cause an error response.
        var result = await RevokeAsConfidentialAsync(SecureToken.Generate());

        Assert.True(result.IsSuccess);
        Assert.False(result.Value);
    }

    [Fact]
    public async Task Revoke_OverlongToken_SucceedsWithoutALookup()
    {
        var result = await RevokeAsConfidentialAsync(new string('a', SecureToken.MaxPresentedLength + 1));

        Assert.True(result.IsSuccess);
        Assert.False(result.Value);
    }

    [Fact]
    public async Task Revoke_AlreadyRevokedToken_Succeeds()
    {
        var tokens = await _mint.IssueAsync(_core.ConfidentialClient);
        await RevokeAsConfidentialAsync(tokens.AccessToken);

        var again = await RevokeAsConfidentialAsync(tokens.AccessToken);

        Assert.True(again.IsSuccess);
    }

    [Fact]
    public async Task Revoke_AuthorizationCode_SucceedsButLeavesTheCodeRedeemable()
    {
        // RFC 7009 §2 covers access and refresh tokens; a code is not a token the client can revoke.
        var code = await _core.IssueCodeAsync();

        var result = await _service.RevokeAsync(new RevocationRequest { Token = code, ClientId = CoreHarness.PublicClientId }, CancellationToken.None);

        Assert.True(result.IsSuccess);
        Assert.False(result.Value);
        Assert.True((await _core.RedeemAsync(code)).IsSuccess);
    }

    [Fact]
    public async Task Revoke_TokenOfAnotherClient_SucceedsButLeavesTheTokenAlone()
    {
        // RFC 7009 §2.1: the token must have been issued to the requesting client; answering as for an unknown
        // token keeps a client from probing for other clients' tokens.
        var tokens = await _mint.IssueAsync(_core.PublicClient);

        var result = await RevokeAsConfidentialAsync(tokens.AccessToken);

        Assert.True(result.IsSuccess);
        Assert.False(result.Value);
        Assert.True(await _core.IsLiveAsync(tokens.AccessToken));
    }

    [Fact]
    public async Task Revoke_WrongSecret_IsInvalidClientAndTheTokenSurvives()
    {
        // RFC 7009 §2.1: the server first validates the client credentials.
        var tokens = await _mint.IssueAsync(_core.ConfidentialClient);

        var result = await _service.RevokeAsync(new RevocationRequest
        {
            Token = tokens.AccessToken,
            ClientId = CoreHarness.ConfidentialClientId,
            ClientSecret = "wrong",
            RequireClientAuthentication = true,
        }, CancellationToken.None);

        Assert.Equal(OAuthErrorCodes.InvalidClient, result.Error?.Code);
        Assert.True(await _core.IsLiveAsync(tokens.AccessToken));
    }

    [Fact]
    public async Task Revoke_ClientAuthenticationRequiredButNoClient_FailsAndTheTokenSurvives()
    {
        // RFC 7009 §2.1: on the standard endpoint the client always authenticates.
        var tokens = await _mint.IssueAsync(_core.PublicClient);

        var result = await _service.RevokeAsync(new RevocationRequest { Token = tokens.AccessToken, RequireClientAuthentication = true }, CancellationToken.None);

        Assert.False(result.IsSuccess);
        Assert.True(await _core.IsLiveAsync(tokens.AccessToken));
    }

    [Fact]
    public async Task Revoke_PublicClientByIdOnly_RevokesItsOwnToken()
    {
        // RFC 6749 §2.1: a public client has no credentials; its client_id identifies it (RFC 7009 §2.1).
        var tokens = await _mint.IssueAsync(_core.PublicClient);

        var result = await _service.RevokeAsync(new RevocationRequest { Token = tokens.AccessToken, ClientId = CoreHarness.PublicClientId }, CancellationToken.None);

        Assert.True(result.Value);
        Assert.False(await _core.IsLiveAsync(tokens.AccessToken));
    }

    [Fact]
    public async Task Revoke_TokenAloneOfAPublicClient_Revokes()
    {
        // The iOFFICE guide: "The only header needed is: x-token."
        var tokens = await _mint.IssueAsync(_core.PublicClient);

        var result = await _service.RevokeAsync(new RevocationRequest { Token = tokens.RefreshToken }, CancellationToken.None);

        Assert.True(result.Value);
        Assert.False(await _core.IsLiveAsync(tokens.AccessToken));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task Revoke_NoToken_IsInvalidRequest(string? token)
    {
        // RFC 7009 §2.1: token is REQUIRED.
        var result = await RevokeAsConfidentialAsync(token);

        Assert.Equal(OAuthErrorCodes.InvalidRequest, result.Error?.Code);
    }
}
