using System.Net;

namespace Keycard.Server.Tests.Gateway;

/// <summary>
/// The sign-in session cookie belongs to Keycard's own pages: proxied routes answer to their access token alone and skip
/// the cookie authentication every own endpoint still runs, exactly once (docs/gateway.md, "Performance").
/// </summary>
public sealed class GatewayAuthenticationTests : GatewayTestBase
{
    // Logged (Debug) by ASP.NET Core's authentication handler each time it authenticates a request without the cookie.
    private const string NotAuthenticated = "AuthenticationScheme: keycard.session was not authenticated";

    [Fact]
    public async Task ProxiedRoute_Request_SkipsTheSessionAuthenticationOwnEndpointsRunOnce()
    {
        var tokens = await SignInAsync();
        var before = Authentications();

        using var proxied = await GetAsync(Prefix + "/orders/1", tokens.AccessToken);

        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        Assert.Equal(before, Authentications());

        // The REST API answers to bearer tokens alone too (NoSignInSession); Keycard's own pages keep the session.
        using var own = await GetAsync("/.well-known/keycard", null);

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(before + 1, Authentications());
    }

    private int Authentications() => Factory.Logs!.Entries.Count(e => e.Contains(NotAuthenticated, StringComparison.Ordinal));
}
