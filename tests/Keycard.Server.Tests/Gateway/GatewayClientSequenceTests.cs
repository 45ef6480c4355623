using System.Net;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.Gateway;

/// <summary>
/// The iOFFICE client library's request sequence against a proxied route, step for step as against users/me:
/// sign in, call, 403 on expiry, refresh, retry, revoke, 401.
/// </summary>
public sealed class GatewayClientSequenceTests : GatewayTestBase
{
    [Fact]
    public async Task ClientLibrarySequence_AgainstAProxiedRoute_BehavesAsAgainstUsersMe()
    {
        var tokens = await SignInAsync();
        using (var first = await GetAsync(Prefix + "/orders/1", tokens.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        Factory.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        using (var expired = await GetAsync(Prefix + "/orders/1", tokens.AccessToken))
        using (var expiredMe = await GetAsync(Prefix + "/users/me", tokens.AccessToken))
        {
            // The library refreshes on 403 and discards the token on 401 (the guide).
            await ResponseAssert.ErrorAsync(expired, HttpStatusCode.Forbidden, "invalid_token");
            Assert.Equal(expiredMe.StatusCode, expired.StatusCode);
        }

        using var refresh = await Client.RefreshAsync(tokens.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        var refreshed = await TokenSet.ReadAsync(refresh);
        using (var retry = await GetAsync(Prefix + "/orders/1", refreshed.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        }

        using (var revoke = await Client.RevokeAsync(refreshed.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        using var revoked = await GetAsync(Prefix + "/orders/1", refreshed.AccessToken);
        using var revokedMe = await GetAsync(Prefix + "/users/me", refreshed.AccessToken);
        await ResponseAssert.ErrorAsync(revoked, HttpStatusCode.Unauthorized, "invalid_token");
        Assert.Equal(revokedMe.StatusCode, revoked.StatusCode);
        Assert.Equal(2, Upstream.Received.Count);
    }
}
