using Keycard.Core.Errors;
using Keycard.Core.Security;
using Keycard.Core.Tests.Fakes;

namespace Keycard.Core.Tests.Tokens;

/// <summary>RFC 6749 §4.1.2–§4.1.3, RFC 7636 §4.6, RFC 9700 §4.5: codes expire, are single use and bound.</summary>
public sealed class AuthorizationCodeGrantTests
{
    private readonly CoreHarness _core = new();

    [Fact]
    public async Task Redeem_JustBeforeFiveMinutes_Succeeds()
    {
        var code = await _core.IssueCodeAsync();
        _core.Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));

        var result = await _core.RedeemAsync(code);

        Assert.True(result.IsSuccess);
    }

    [Fact]
    public async Task Redeem_AtFiveMinutes_IsInvalidGrant()
    {
        var code = await _core.IssueCodeAsync();
        _core.Time.Advance(TimeSpan.FromMinutes(5));

        var result = await _core.RedeemAsync(code);

        Assert.Equal(OAuthErrorCodes.InvalidGrant, result.Error?.Code);
    }

    [Fact]
    public async Task Redeem_Twice_SecondFailsAndRevokesEveryTokenFromTheCode()
    {
        var code = await _core.IssueCodeAsync();
        var first = (await _core.RedeemAsync(code)).Value!;
        var rotated = (await _core.RefreshAsync(first.RefreshToken!)).Value!;

        var second = await _core.RedeemAsync(code);

        Assert.Equal(OAuthErrorCodes.InvalidGrant, second.Error?.Code);
        Assert.False(await _core.IsLiveAsync(first.AccessToken));
        Assert.False(await _core.IsLiveAsync(rotated.AccessToken));
        Assert.False(await _core.IsLiveAsync(rotated.RefreshToken!));
    }

    [Fact]
    public async Task Redeem_ConcurrentlyTwice_OnlyOneWinsAndTheFamilyIsRevoked()
    {
        var code = await _core.IssueCodeAsync();

        var results = await Task.WhenAll(_core.RedeemAsync(code), _core.RedeemAsync(code));

        Assert.Single(results, r => r.IsSuccess);
        Assert.All(_core.Tokens.All, t => Assert.NotNull(t.RevokedAt));
    }

    [Fact]
    public async Task Redeem_ByAnotherClient_IsInvalidGrant()
    {
        var code = await _core.IssueCodeAsync();

        var result = await _core.RedeemAsync(code, clientId: CoreHarness.ConfidentialClientId, secret: _core.Secret);

        Assert.Equal(OAuthErrorCodes.InvalidGrant, result.Error?.Code);
        Assert.True((await _core.RedeemAsync(code)).IsSuccess);
    }

    [Fact]
    public async Task Redeem_WithAnotherRegisteredRedirectUri_IsInvalidGrant()
    {
        var code = await _core.IssueCodeAsync();

        var other = await _core.RedeemAsync(code, redirectUri: CoreHarness.RedirectUri + "2");
        var missing = await _core.RedeemAsync(code, redirectUri: null);

        Assert.Equal(OAuthErrorCodes.InvalidGrant, other.Error?.Code);
        Assert.Equal(OAuthErrorCodes.InvalidGrant, missing.Error?.Code);
    }

    [Fact]
    public async Task Redeem_WithAnotherScope_IsInvalidGrant()
    {
        var code = await _core.IssueCodeAsync(scope: "email");

        var result = await _core.RedeemAsync(code, scope: "email admin");

        Assert.Equal(OAuthErrorCodes.InvalidGrant, result.Error?.Code);
    }

    [Fact]
    public async Task Redeem_IssuedTokens_CarryTheCodesScope()
    {
        var code = await _core.IssueCodeAsync(scope: "email profile");

        var result = await _core.RedeemAsync(code);

        Assert.Equal("email profile", result.Value!.Scope);
    }

    [Fact]
    public async Task Redeem_RightVerifier_Succeeds()
    {
        var verifier = SecureToken.Generate() + "0";
        var code = await _core.IssueCodeAsync(challenge: Pkce.ComputeChallenge(verifier));

        var result = await _core.RedeemAsync(code, verifier);

        Assert.True(result.IsSuccess);
    }

    [Fact]
    public async Task Redeem_WrongVerifier_BurnsTheCode()
    {
        var verifier = SecureToken.Generate() + "0";
        var code = await _core.IssueCodeAsync(challenge: Pkce.ComputeChallenge(verifier));

        var wrong = await _core.RedeemAsync(code, SecureToken.Generate() + "1");
        var right = await _core.RedeemAsync(code, verifier);

        Assert.Equal(OAuthErrorCodes.InvalidGrant, wrong.Error?.Code);
        Assert.Equal(OAuthErrorCodes.InvalidGrant, right.Error?.Code);
    }

    [Fact]
    public async Task Redeem_MissingVerifierForChallengedCode_IsInvalidGrant()
    {
        var code = await _core.IssueCodeAsync(challenge: Pkce.ComputeChallenge(SecureToken.Generate() + "0"));

        var result = await _core.RedeemAsync(code);

        Assert.Equal(OAuthErrorCodes.InvalidGrant, result.Error?.Code);
    }

    [Fact]
    public async Task Redeem_VerifierForUnchallengedCode_IsInvalidGrant()
    {
        // RFC 9700 §2.1.1: a verifier without a challenge is a PKCE downgrade.
        var code = await _core.IssueCodeAsync();

        var result = await _core.RedeemAsync(code, SecureToken.Generate() + "0");

        Assert.Equal(OAuthErrorCodes.InvalidGrant, result.Error?.Code);
    }

    [Fact]
    public async Task Store_IssuedCode_HoldsOnlyItsHash()
    {
        var code = await _core.IssueCodeAsync();

        var stored = Assert.Single(_core.Tokens.All);

        Assert.Equal(SecureToken.StorageKey(code), stored.Hash);
        Assert.DoesNotContain(code, string.Join('|', stored.ClientId, stored.Scope, stored.FamilyId, stored.RedirectUri, stored.CodeChallenge), StringComparison.Ordinal);
    }
}
