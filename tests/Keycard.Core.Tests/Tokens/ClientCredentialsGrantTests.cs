using Keycard.Core.Errors;
using Keycard.Core.Security;
using Keycard.Core.Tests.Fakes;
using Keycard.Core.Tokens;
using Keycard.Core.Tokens.Grants;

namespace Keycard.Core.Tests.Tokens;

/// <summary>RFC 6749 §4.4: a confidential client acting for itself.</summary>
public sealed class ClientCredentialsGrantTests
{
    private readonly CoreHarness _core = new();
    private readonly ClientCredentialsGrant _grant;

    public ClientCredentialsGrantTests()
    {
        _grant = new ClientCredentialsGrant(_core.Tokens, new TokenMint(_core).Factory);
    }

    private Task<Result<IssuedTokens>> RequestAsync(Keycard.Core.Clients.Client client, string? scope = null) =>
        _grant.HandleAsync(new TokenRequest { GrantType = "client_credentials", ClientId = client.ClientId, Scope = scope }, client, CancellationToken.None);

    private Keycard.Core.Clients.Client Allowed => _core.ConfidentialClient with { AllowClientCredentials = true };

    [Fact]
    public async Task Grant_AllowedConfidentialClient_IssuesAnAccessTokenForTheClientItself()
    {
        var result = await RequestAsync(Allowed, "reports");

        Assert.True(result.IsSuccess, result.Error?.Description);
        Assert.Equal("reports", result.Value.Scope);
        Assert.Equal(_core.Protocol.AccessTokenLifetime, result.Value.ExpiresIn);
        var stored = await _core.Tokens.FindAsync(SecureToken.StorageKey(result.Value.AccessToken), CancellationToken.None);
        Assert.Equal(TokenKind.AccessToken, stored!.Kind);
        Assert.Equal(CoreHarness.ConfidentialClientId, stored.ClientId);
        Assert.Null(stored.UserId);
    }

    [Fact]
    public async Task Grant_AnyRequest_IssuesNoRefreshToken()
    {
        // RFC 6749 §4.4.3: a refresh token SHOULD NOT be included.
        var result = await RequestAsync(Allowed);

        Assert.Null(result.Value!.RefreshToken);
        Assert.Single(_core.Tokens.All);
    }

    [Fact]
    public async Task Grant_NoScope_IssuesAnEmptyScope()
    {
        var result = await RequestAsync(Allowed);

        Assert.Equal("", result.Value!.Scope);
    }

    [Fact]
    public async Task Grant_TwoRequests_AreSeparateFamilies()
    {
        // Revoking one client-credentials token must not end another (RFC 9700 §4.14.2 families are per authorization).
        await RequestAsync(Allowed);
        await RequestAsync(Allowed);

        Assert.Equal(2, _core.Tokens.All.Select(t => t.FamilyId).Distinct().Count());
    }

    [Fact]
    public async Task Grant_PublicClient_IsUnauthorizedClient()
    {
        // RFC 6749 §4.4: "The client credentials grant type MUST only be used by confidential clients."
        var result = await RequestAsync(_core.PublicClient with { AllowClientCredentials = true });

        Assert.Equal(OAuthErrorCodes.UnauthorizedClient, result.Error?.Code);
        Assert.Empty(_core.Tokens.All);
    }

    [Fact]
    public async Task Grant_ConfidentialClientThatDidNotOptIn_IsUnauthorizedClient()
    {
        // RFC 6749 §5.2 unauthorized_client: not authorized to use this grant type.
        var result = await RequestAsync(_core.ConfidentialClient with { AllowClientCredentials = false });

        Assert.Equal(OAuthErrorCodes.UnauthorizedClient, result.Error?.Code);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("reports admin")]
    [InlineData("bad\"scope")]
    public async Task Grant_ScopeOutsideTheClientsRegistrationOrSyntax_IsInvalidScope(string scope)
    {
        // RFC 6749 §3.3 and §5.2 invalid_scope.
        var result = await RequestAsync(Allowed with { AllowedScopes = ["reports"] }, scope);

        Assert.Equal(OAuthErrorCodes.InvalidScope, result.Error?.Code);
        Assert.Empty(_core.Tokens.All);
    }

    [Fact]
    public async Task Grant_ThroughTheTokenService_NeedsTheClientSecret()
    {
        // RFC 6749 §4.4.2: the client MUST authenticate with the authorization server.
        var result = await _core.TokenService.HandleAsync(new TokenRequest { GrantType = "client_credentials", ClientId = CoreHarness.ConfidentialClientId }, CancellationToken.None);

        Assert.Equal(OAuthErrorCodes.InvalidClient, result.Error?.Code);
    }
}
