using Keycard.Core.Errors;
using Keycard.Core.Tests.Fakes;

namespace Keycard.Core.Tests.Tokens;

/// <summary>RFC 6749 §6 and RFC 9700 §4.14.2: rotation, reuse detection, the grace window, never a wider scope.</summary>
public sealed class RefreshTokenGrantTests
{
    private readonly CoreHarness _core = new();

    [Fact]
    public async Task Refresh_Valid_RotatesToANewTokenInTheSameFamily()
    {
        var first = await _core.SignInAsync();

        var next = (await _core.RefreshAsync(first.RefreshToken!)).Value!;

        Assert.NotEqual(first.RefreshToken, next.RefreshToken);
        Assert.Single(_core.Tokens.All.Select(t => t.FamilyId).Distinct());
        Assert.True(await _core.IsLiveAsync(next.RefreshToken!));
    }

    [Fact]
    public async Task Refresh_RotatedTokenAfterGrace_RevokesTheFamily()
    {
        var first = await _core.SignInAsync();
        var next = (await _core.RefreshAsync(first.RefreshToken!)).Value!;
        _core.Time.Advance(TimeSpan.FromSeconds(5));

        var reuse = await _core.RefreshAsync(first.RefreshToken!);

        Assert.Equal(OAuthErrorCodes.InvalidGrant, reuse.Error?.Code);
        Assert.False(await _core.IsLiveAsync(next.AccessToken));
        Assert.False(await _core.IsLiveAsync(next.RefreshToken!));
    }

    [Fact]
    public async Task Refresh_RotatedTokenWithinGrace_AnswersInTheSameFamily()
    {
        var first = await _core.SignInAsync();
        var next = (await _core.RefreshAsync(first.RefreshToken!)).Value!;
        _core.Time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromMilliseconds(1));

        var reuse = await _core.RefreshAsync(first.RefreshToken!);

        Assert.True(reuse.IsSuccess);
        Assert.True(await _core.IsLiveAsync(next.RefreshToken!));
        Assert.Single(_core.Tokens.All.Select(t => t.FamilyId).Distinct());
    }

    [Fact]
    public async Task Refresh_GraceSetToZero_ReuseRevokesAtOnce()
    {
        var core = new CoreHarness(new KeycardProtocolOptions { RefreshReuseGrace = TimeSpan.Zero });
        var first = await core.SignInAsync();
        var next = (await core.RefreshAsync(first.RefreshToken!)).Value!;

        var reuse = await core.RefreshAsync(first.RefreshToken!);

        Assert.Equal(OAuthErrorCodes.InvalidGrant, reuse.Error?.Code);
        Assert.False(await core.IsLiveAsync(next.RefreshToken!));
    }

    [Fact]
    public async Task Refresh_ConcurrentRefreshesWithinGrace_AllSucceedInOneFamily()
    {
        var first = await _core.SignInAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => _core.RefreshAsync(first.RefreshToken!))));

        Assert.All(results, r => Assert.True(r.IsSuccess));
        Assert.Single(_core.Tokens.All.Select(t => t.FamilyId).Distinct());
        Assert.All(_core.Tokens.All, t => Assert.Null(t.RevokedAt));
    }

    [Fact]
    public async Task Refresh_ByAnotherClient_IsInvalidGrantAndRevokesNothing()
    {
        var first = await _core.SignInAsync();

        var result = await _core.RefreshAsync(first.RefreshToken!, clientId: CoreHarness.ConfidentialClientId, secret: _core.Secret);

        Assert.Equal(OAuthErrorCodes.InvalidGrant, result.Error?.Code);
        Assert.True(await _core.IsLiveAsync(first.RefreshToken!));
    }

    [Fact]
    public async Task Refresh_AfterRefreshTokenLifetime_IsInvalidGrant()
    {
        var first = await _core.SignInAsync();
        _core.Time.Advance(_core.Protocol.RefreshTokenLifetime);

        var result = await _core.RefreshAsync(first.RefreshToken!);

        Assert.Equal(OAuthErrorCodes.InvalidGrant, result.Error?.Code);
    }

    [Fact]
    public async Task Refresh_WiderScope_IsInvalidScope()
    {
        var first = await _core.SignInAsync();

        var result = await _core.RefreshAsync(first.RefreshToken!, scope: "email admin");

        Assert.Equal(OAuthErrorCodes.InvalidScope, result.Error?.Code);
    }
}
