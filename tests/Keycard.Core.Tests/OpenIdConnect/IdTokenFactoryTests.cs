using Keycard.Core.Authorization;
using Keycard.Core.OpenIdConnect;
using Keycard.Core.Tests.Fakes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.Core.Tests.OpenIdConnect;

/// <summary>OpenID Connect Core §2, §3.1.3.3, §3.1.3.6 and §12.2: the ID tokens the token endpoint issues.</summary>
public sealed class IdTokenFactoryTests
{
    private const string Issuer = "https://auth.example.com";

    private readonly CoreHarness _core = new();

    private async Task<JsonWebToken> ValidateAsync(string? idToken)
    {
        Assert.NotNull(idToken);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            IssuerSigningKey = _core.SigningKeys.Key.Key,
            ValidIssuer = Issuer,
            ValidAudience = CoreHarness.PublicClientId,
            ValidateLifetime = false,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        return (JsonWebToken)result.SecurityToken;
    }

    private async Task<string> IssueOpenIdCodeAsync(string? nonce = "n-0S6_WzA2Mj", string? sessionId = "session-1")
    {
        var issued = await _core.Codes.IssueAsync(
            new CodeGrantBinding(_core.PublicClient, FakeUserAuthenticator.UserId, CoreHarness.RedirectUri, "openid email", null)
            {
                Nonce = nonce,
                AuthTime = _core.Time.GetUtcNow().AddMinutes(-3),
                SessionId = sessionId,
            },
            CancellationToken.None);
        return issued.Code;
    }

    [Fact]
    public async Task CodeExchange_OpenIdScope_IssuesAnIdTokenWithTheCoreClaims()
    {
        var code = await IssueOpenIdCodeAsync();

        var result = await _core.RedeemAsync(code, issuer: Issuer);

        Assert.True(result.IsSuccess, result.Error?.Description);
        var token = await ValidateAsync(result.Value!.IdToken);
        var now = _core.Time.GetUtcNow();
        Assert.Equal("JWT", token.Typ);
        Assert.Equal("test-key", token.Kid);
        Assert.Equal("7", token.Subject);
        Assert.Equal([CoreHarness.PublicClientId], token.Audiences);
        Assert.Equal(now.ToUnixTimeSeconds(), token.GetPayloadValue<long>("iat"));
        Assert.Equal((now + _core.Protocol.AccessTokenLifetime).ToUnixTimeSeconds(), token.GetPayloadValue<long>("exp"));
        Assert.Equal(now.AddMinutes(-3).ToUnixTimeSeconds(), token.GetPayloadValue<long>("auth_time"));
        Assert.Equal("n-0S6_WzA2Mj", token.GetPayloadValue<string>("nonce"));
        Assert.Equal("session-1", token.GetPayloadValue<string>("sid"));
        Assert.Equal(["pwd"], token.GetPayloadValue<string[]>("amr"));
        Assert.False(token.TryGetPayloadValue<string>("azp", out _));
    }

    [Fact]
    public async Task CodeExchange_OpenIdScope_AtHashIsTheLeftHalfOfTheAccessTokensSha256()
    {
        var result = await _core.RedeemAsync(await IssueOpenIdCodeAsync(), issuer: Issuer);

        var token = await ValidateAsync(result.Value!.IdToken);

        // Core §3.1.3.6, computed independently of the factory.
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(result.Value!.AccessToken));
        Assert.Equal(Base64UrlEncoder.Encode(hash[..16]), token.GetPayloadValue<string>("at_hash"));
    }

    [Fact]
    public async Task CodeExchange_NoNonceInTheRequest_IdTokenHasNoNonce()
    {
        var result = await _core.RedeemAsync(await IssueOpenIdCodeAsync(nonce: null, sessionId: null), issuer: Issuer);

        var token = await ValidateAsync(result.Value!.IdToken);

        Assert.False(token.TryGetPayloadValue<string>("nonce", out _));
        Assert.False(token.TryGetPayloadValue<string>("sid", out _));
    }

    [Fact]
    public async Task CodeExchange_ScopeWithoutOpenId_IssuesNoIdToken()
    {
        var result = await _core.RedeemAsync(await _core.IssueCodeAsync(scope: "email"), issuer: Issuer);

        Assert.True(result.IsSuccess);
        Assert.Null(result.Value!.IdToken);
    }

    [Fact]
    public async Task CodeExchange_DialectWithoutIssuer_IssuesNoIdToken()
    {
        // The iOFFICE dialect sets no issuer: its token response is the guide's, unchanged.
        var result = await _core.RedeemAsync(await IssueOpenIdCodeAsync());

        Assert.True(result.IsSuccess);
        Assert.Null(result.Value!.IdToken);
    }

    [Fact]
    public async Task Refresh_OpenIdScope_NewIdTokenKeepsSubAndAuthTimeAndHasNoNonce()
    {
        var first = await _core.RedeemAsync(await IssueOpenIdCodeAsync(), issuer: Issuer);
        var original = await ValidateAsync(first.Value!.IdToken);
        _core.Time.Advance(TimeSpan.FromMinutes(10));

        var refreshed = await _core.RefreshAsync(first.Value!.RefreshToken!, issuer: Issuer);

        Assert.True(refreshed.IsSuccess, refreshed.Error?.Description);
        var token = await ValidateAsync(refreshed.Value!.IdToken);

        // Core §12.2: same iss, sub, aud and auth_time; iat is the new issue time; no nonce (errata, issue 1025).
        Assert.Equal(original.Subject, token.Subject);
        Assert.Equal(original.GetPayloadValue<long>("auth_time"), token.GetPayloadValue<long>("auth_time"));
        Assert.Equal(_core.Time.GetUtcNow().ToUnixTimeSeconds(), token.GetPayloadValue<long>("iat"));
        Assert.Equal("session-1", token.GetPayloadValue<string>("sid"));
        Assert.False(token.TryGetPayloadValue<string>("nonce", out _));
    }

    [Fact]
    public void AccessTokenHash_KnownVector_MatchesTheSpecExample()
    {
        // OpenID Connect Core Appendix A.3 example: access token "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y", at_hash "77QmUPtjPfzWtF2AnpK9RQ".
        Assert.Equal("77QmUPtjPfzWtF2AnpK9RQ", IdTokenFactory.AccessTokenHash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"));
    }
}
