using Keycard.Core.Errors;
using Keycard.Core.Tests.Fakes;

namespace Keycard.Core.Tests.Tokens;

/// <summary>
/// RFC 6749 §3.3: a scope is a set of space-delimited strings whose "order does not matter", so a token request that
/// names the code's scope again is compared with it as a set.
/// </summary>
public sealed class CodeScopeComparisonTests
{
    private readonly CoreHarness _core = new();

    [Theory]
    [InlineData("profile openid")]
    [InlineData("openid profile openid")]
    public async Task Redeem_SameScopeInAnotherOrderOrSpacing_Succeeds(string scope)
    {
        var code = await _core.IssueCodeAsync(scope: "openid profile");

        var result = await _core.RedeemAsync(code, scope: scope);

        Assert.True(result.IsSuccess, result.IsSuccess ? null : result.Error.Description);
        Assert.Equal("openid profile", result.Value.Scope);
    }

    [Theory]
    [InlineData("openid")]
    [InlineData("openid profile email")]
    [InlineData("openid Profile")]
    public async Task Redeem_AnotherSetOfScopes_IsInvalidGrant(string scope)
    {
        var code = await _core.IssueCodeAsync(scope: "openid profile");

        var result = await _core.RedeemAsync(code, scope: scope);

        Assert.Equal(OAuthErrorCodes.InvalidGrant, result.Error?.Code);
    }
}
