using System.Net;
using Keycard.Core.Security;
using Keycard.Server.Tests.Infrastructure;
using Keycard.Storage;
using Microsoft.EntityFrameworkCore;

namespace Keycard.Server.Tests.IOffice;

/// <summary>The short-lived validation cache never lets a revoked token through beyond its documented bound.</summary>
public sealed class TokenCacheTests : IOfficeTestBase
{
    private static readonly TimeSpan CacheDuration = TimeSpan.FromMilliseconds(300);

    protected override void Configure(KeycardFactory factory) =>
        factory.Settings["Keycard:Cache:Duration"] = CacheDuration.ToString();

    [Fact]
    public async Task RevokeThroughThisNode_AfterTokenWasCached_IsRefusedAtOnce()
    {
        var tokens = await SignInAndCacheAsync();

        using var revoke = await Client.RevokeAsync(tokens.AccessToken);
        using var me = await Client.MeAsync(tokens.AccessToken);

        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task RevokeRefreshTokenThroughThisNode_AfterAccessTokenWasCached_RefusesTheAccessTokenAtOnce()
    {
        var tokens = await SignInAndCacheAsync();

        using var revoke = await Client.RevokeAsync(tokens.RefreshToken);
        using var me = await Client.MeAsync(tokens.AccessToken);

        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task RevokedElsewhere_AfterTokenWasCached_IsRefusedWithinTheCacheDuration()
    {
        var tokens = await SignInAndCacheAsync();

        // Another node (or the CLI) revokes straight in the database, bypassing this node's cache.
        var hash = SecureToken.StorageKey(tokens.AccessToken);
        await Factory.WithScopeAsync(sp => sp.GetRequiredService<KeycardDbContext>().Tokens
            .Where(t => t.Hash == hash).ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, 1L)));
        Factory.Time.Advance(CacheDuration + TimeSpan.FromMilliseconds(1));

        using var me = await Client.MeAsync(tokens.AccessToken);

        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task ExpiredToken_ServedFromCache_IsStillExpired()
    {
        var tokens = await SignInAndCacheAsync();

        Factory.Time.Advance(TimeSpan.FromHours(1));
        using var me = await Client.MeAsync(tokens.AccessToken);

        Assert.Equal(HttpStatusCode.Forbidden, me.StatusCode);
    }

    /// <summary>Signs in and has this node read the access token once, so that the token sits in its cache.</summary>
    private async Task<TokenSet> SignInAndCacheAsync()
    {
        var tokens = await Client.SignInAsync();
        using var cachedHit = await Client.MeAsync(tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, cachedHit.StatusCode);
        return tokens;
    }
}
