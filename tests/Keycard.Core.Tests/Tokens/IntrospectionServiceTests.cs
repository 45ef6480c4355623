using Keycard.Core.Errors;
using Keycard.Core.Security;
using Keycard.Core.Tests.Fakes;
using Keycard.Core.Tokens;

namespace Keycard.Core.Tests.Tokens;

/// <summary>RFC 7662 §2: only an authenticated client learns anything, and only about its own tokens in use.</summary>
public sealed class IntrospectionServiceTests
{
    private readonly CoreHarness _core = new();
    private readonly InMemoryUserDirectory _users = new();
    private readonly TokenMint _mint;
    private readonly IntrospectionService _service;

    public IntrospectionServiceTests()
    {
        _mint = new TokenMint(_core);
        _service = new IntrospectionService(_core.Tokens, _core.ClientAuthenticator, _users, _core.Time, Microsoft.Extensions.Options.Options.Create(_core.Protocol));
    }

    private Task<Result<TokenIntrospection>> IntrospectAsync(string? token, string? hint = null, string clientId = CoreHarness.ConfidentialClientId, string? secret = null) =>
        _service.IntrospectAsync(new IntrospectionRequest
        {
            Token = token,
            TokenTypeHint = hint,
            ClientId = clientId,
            ClientSecret = secret ?? (clientId == CoreHarness.ConfidentialClientId ? _core.Secret : null),
        }, CancellationToken.None);

    private async Task<bool> IsActiveAsync(string token)
    {
        var result = await IntrospectAsync(token);
        Assert.True(result.IsSuccess, result.Error?.Description);
        return result.Value.Active;
    }

    [Fact]
    public async Task Introspect_ActiveAccessToken_DescribesTokenAndUser()
    {
        var tokens = await _mint.IssueAsync(_core.ConfidentialClient, scope: "email profile");

        var result = (await IntrospectAsync(tokens.AccessToken)).Value!;

        // RFC 7662 §2.2: active, plus what the token stands for.
        Assert.True(result.Active);
        Assert.Equal(TokenKind.AccessToken, result.Token!.Kind);
        Assert.Equal(CoreHarness.ConfidentialClientId, result.Token.ClientId);
        Assert.Equal("email profile", result.Token.Scope);
        Assert.Equal(FakeUserAuthenticator.UserId, result.Token.UserId);
        Assert.Equal(_core.Time.GetUtcNow(), result.Token.CreatedAt);
        Assert.Equal(_core.Time.GetUtcNow() + _core.Protocol.AccessTokenLifetime, result.Token.ExpiresAt);
        Assert.Equal(FakeUserAuthenticator.UserName, result.UserName);
    }

    [Fact]
    public async Task Introspect_ActiveRefreshToken_IsActive()
    {
        var tokens = await _mint.IssueAsync(_core.ConfidentialClient);

        var result = (await IntrospectAsync(tokens.RefreshToken)).Value!;

        Assert.True(result.Active);
        Assert.Equal(TokenKind.RefreshToken, result.Token!.Kind);
    }

    [Fact]
    public async Task Introspect_ClientCredentialsToken_IsActiveWithoutUser()
    {
        var tokens = await _mint.IssueAsync(_core.ConfidentialClient, userId: null, withRefresh: false);

        var result = (await IntrospectAsync(tokens.AccessToken)).Value!;

        Assert.True(result.Active);
        Assert.Null(result.Token!.UserId);
        Assert.Null(result.UserName);
    }

    [Theory]
    [InlineData("refresh_token")]
    [InlineData("urn:example:unknown-hint")]
    public async Task Introspect_WrongOrUnknownHint_StillAnswers(string hint)
    {
        // RFC 7662 §2.1: if the hint does not match, the server extends its search across all token types.
        var tokens = await _mint.IssueAsync(_core.ConfidentialClient);

        Assert.True((await IntrospectAsync(tokens.AccessToken, hint)).Value!.Active);
    }

    [Fact]
    public async Task Introspect_OneMillisecondBeforeExpiry_IsActive()
    {
        var tokens = await _mint.IssueAsync(_core.ConfidentialClient);
        _core.Time.Advance(_core.Protocol.AccessTokenLifetime - TimeSpan.FromMilliseconds(1));

        Assert.True(await IsActiveAsync(tokens.AccessToken));
    }

    [Fact]
    public async Task Introspect_AtExpiry_IsInactive()
    {
        var tokens = await _mint.IssueAsync(_core.ConfidentialClient);
        _core.Time.Advance(_core.Protocol.AccessTokenLifetime);

        Assert.False(await IsActiveAsync(tokens.AccessToken));
    }

    [Fact]
    public async Task Introspect_RevokedToken_IsInactive()
    {
        var tokens = await _mint.IssueAsync(_core.ConfidentialClient);
        await _core.Tokens.RevokeAsync(SecureToken.StorageKey(tokens.AccessToken), _core.Time.GetUtcNow(), CancellationToken.None);

        Assert.False(await IsActiveAsync(tokens.AccessToken));
    }

    [Fact]
    public async Task Introspect_RotatedRefreshToken_IsInactive()
    {
        var tokens = await _mint.IssueAsync(_core.ConfidentialClient);
        await _core.Tokens.ExchangeAsync(SecureToken.StorageKey(tokens.RefreshToken!), _core.Time.GetUtcNow(), [], CancellationToken.None);

        Assert.False(await IsActiveAsync(tokens.RefreshToken!));
    }

    [Fact]
    public async Task Introspect_UnknownOrOverlongToken_IsInactive()
    {
        Assert.False(await IsActiveAsync(SecureToken.Generate()));
        Assert.False(await IsActiveAsync(new string('a', SecureToken.MaxPresentedLength + 1)));
    }

    [Fact]
    public async Task Introspect_AuthorizationCode_IsInactive()
    {
        // A code is not a token a resource server can accept (RFC 6749 §1.3.1).
        var code = await _core.IssueCodeAsync();

        Assert.False(await IsActiveAsync(code));
    }

    [Fact]
    public async Task Introspect_TokenOfAnotherClient_IsInactive()
    {
        // RFC 7662 §2.2 and §4: a client must not learn about tokens issued to others; "inactive" hides them.
        var tokens = await _mint.IssueAsync(_core.PublicClient);

        Assert.False(await IsActiveAsync(tokens.AccessToken));
    }

    [Fact]
    public async Task Introspect_UserDisabled_IsInactive()
    {
        var tokens = await _mint.IssueAsync(_core.ConfidentialClient);
        _users.Profiles[FakeUserAuthenticator.UserId] = _users.Profiles[FakeUserAuthenticator.UserId] with { IsDisabled = true };

        Assert.False(await IsActiveAsync(tokens.AccessToken));
    }

    [Fact]
    public async Task Introspect_UserDeleted_IsInactive()
    {
        var tokens = await _mint.IssueAsync(_core.ConfidentialClient);
        _users.Profiles.Clear();

        Assert.False(await IsActiveAsync(tokens.AccessToken));
    }

    [Fact]
    public async Task Introspect_PublicClient_IsInvalidClient()
    {
        // RFC 7662 §2.1: the endpoint MUST require authorization; a public client's id proves nothing.
        var tokens = await _mint.IssueAsync(_core.PublicClient);

        var result = await IntrospectAsync(tokens.AccessToken, clientId: CoreHarness.PublicClientId);

        Assert.Equal(OAuthErrorCodes.InvalidClient, result.Error?.Code);
    }

    [Fact]
    public async Task Introspect_WrongSecret_IsInvalidClient()
    {
        var tokens = await _mint.IssueAsync(_core.ConfidentialClient);

        var result = await IntrospectAsync(tokens.AccessToken, secret: "wrong");

        Assert.Equal(OAuthErrorCodes.InvalidClient, result.Error?.Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task Introspect_NoToken_IsInvalidRequest(string? token)
    {
        // RFC 7662 §2.1: token is REQUIRED.
        var result = await IntrospectAsync(token);

        Assert.Equal(OAuthErrorCodes.InvalidRequest, result.Error?.Code);
    }

    [Fact]
    public async Task Introspect_OwnTokenExpired_IsInactiveWithExpiredReason()
    {
        // Keycard extension (RFC 7662 §2.2 allows extension members): expired, not revoked, so a resource server
        // can answer 403 and the guide's client library refreshes.
        var tokens = await _mint.IssueAsync(_core.ConfidentialClient);
        _core.Time.Advance(_core.Protocol.AccessTokenLifetime);

        var result = (await IntrospectAsync(tokens.AccessToken)).Value!;

        Assert.False(result.Active);
        Assert.Equal(TokenIntrospection.ExpiredReason, result.InactiveReason);
    }

    [Fact]
    public async Task Introspect_RevokedThenExpired_IsInactiveWithoutReason()
    {
        var tokens = await _mint.IssueAsync(_core.ConfidentialClient);
        await _core.Tokens.RevokeAsync(SecureToken.StorageKey(tokens.AccessToken), _core.Time.GetUtcNow(), CancellationToken.None);
        _core.Time.Advance(_core.Protocol.AccessTokenLifetime);

        var result = (await IntrospectAsync(tokens.AccessToken)).Value!;

        Assert.False(result.Active);
        Assert.Null(result.InactiveReason);
    }

    [Fact]
    public async Task Introspect_AnotherClientsExpiredToken_IsInactiveWithoutReason()
    {
        // The reason is only for tokens the caller may see; for others inactive stays indistinguishable (RFC 7662 §4).
        var tokens = await _mint.IssueAsync(_core.PublicClient);
        _core.Time.Advance(_core.Protocol.AccessTokenLifetime);

        var result = (await IntrospectAsync(tokens.AccessToken)).Value!;

        Assert.False(result.Active);
        Assert.Null(result.InactiveReason);
    }

    [Fact]
    public async Task Introspect_ResourceServerInIntrospectionClients_SeesOtherClientsAccessTokensButNotRefreshTokens()
    {
        // RFC 7662 §2.1: the server decides which protected resources may introspect which tokens.
        _core.Protocol.IntrospectionClients = [CoreHarness.ConfidentialClientId];
        var tokens = await _mint.IssueAsync(_core.PublicClient);

        var access = (await IntrospectAsync(tokens.AccessToken)).Value!;
        var refresh = (await IntrospectAsync(tokens.RefreshToken!)).Value!;

        Assert.True(access.Active);
        Assert.Equal(CoreHarness.PublicClientId, access.Token!.ClientId);
        Assert.False(refresh.Active);
    }
}
