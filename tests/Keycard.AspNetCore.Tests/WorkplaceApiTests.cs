using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Keycard.AspNetCore.Tests.ApiCalls;

namespace Keycard.AspNetCore.Tests;

/// <summary>
/// samples/WorkplaceApi (Keycard.AspNetCore in two lines) against a real <c>keycard serve</c>: beside Keycard, tokens
/// are introspected (RFC 7662, with Keycard's expired extension); behind Keycard's gateway, the gateway's identity JWT
/// is checked against the JWKS. Either way the iOFFICE client library's sequence works as against users/me.
/// </summary>
public sealed class WorkplaceApiTests : IAsyncLifetime
{
    private KeycardServer _keycard = null!;
    private WorkplaceApiHost _api = null!;
    private HttpClient _toKeycard = null!;
    private HttpClient _toApi = null!;
    private IOfficeApp _app = null!;

    public async Task InitializeAsync()
    {
        _keycard = await KeycardServer.CreateAsync();
        _api = WorkplaceApiHost.Start(_keycard);
        await _keycard.StartAsync(new Dictionary<string, string>
        {
            ["Keycard:Gateway:Routes:workplaces:PathPrefix"] = "/external/api/rest/v2/workplaces",
            ["Keycard:Gateway:Routes:workplaces:Upstream"] = _api.BaseUrl + "/api/workplaces",
            ["Keycard:Gateway:Routes:workplaces:Scope"] = "email",
            ["Keycard:Gateway:Routes:elsewhere:PathPrefix"] = "/external/api/rest/v2/elsewhere",
            ["Keycard:Gateway:Routes:elsewhere:Upstream"] = _api.BaseUrl + "/api/workplaces",
        });
        _toKeycard = new HttpClient { BaseAddress = new Uri(_keycard.BaseUrl) };
        _toApi = new HttpClient { BaseAddress = new Uri(_api.BaseUrl) };
        _app = new IOfficeApp(_toKeycard);
    }

    [Fact]
    public async Task WorkplaceApi_BesideKeycard_IOfficeClientSequenceSignInCallExpire403RefreshRetryRevoke401()
    {
        var (access, refresh) = await _app.SignInAsync();

        using (var call = await CallAsync(_toApi, "/api/workplaces", access))
        {
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
            var body = await call.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(KeycardServer.AppClientId, body.GetProperty("clientId").GetString());
            Assert.False(string.IsNullOrEmpty(body.GetProperty("subject").GetString()));
        }

        await Task.Delay(KeycardServer.AccessTokenLifetime + TimeSpan.FromSeconds(1));

        // Expired, sent the guide's way: 403, so the client library refreshes (it discards the token on 401).
        using (var expired = await CallAsync(_toApi, "/api/workplaces", access))
        {
            await AssertErrorAsync(expired, HttpStatusCode.Forbidden, "invalid_token");
        }

        // The same expired token as Bearer: 401 with the RFC 6750 §3 challenge.
        using (var expiredBearer = await CallAsync(_toApi, "/api/workplaces", access, "bearer"))
        {
            await AssertErrorAsync(expiredBearer, HttpStatusCode.Unauthorized, "invalid_token");
            Assert.Contains("error=\"invalid_token\"", expiredBearer.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        (access, _) = await _app.RefreshAsync(refresh);
        using (var retry = await CallAsync(_toApi, "/api/workplaces", access, "query"))
        {
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        }

        await _app.RevokeAsync(access);

        // The sample caches introspection answers for 1 s: revocation reaches it after that, as a plain 401.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        using var revoked = await CallAsync(_toApi, "/api/workplaces", access);
        await AssertErrorAsync(revoked, HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Fact]
    public async Task WorkplaceApi_BesideKeycard_TransportAndScopeRulesMatchUsersMe()
    {
        var (access, _) = await _app.SignInAsync();

        using var none = await _toApi.GetAsync("/api/workplaces");
        using var twoAtOnce = await CallAsync(_toApi, "/api/workplaces?access_token=" + Uri.EscapeDataString(access), access);
        using var unknown = await CallAsync(_toApi, "/api/workplaces", "not-a-keycard-token");
        using var missingScope = await CallAsync(_toApi, "/api/workplaces/bookings", access, method: HttpMethod.Post);

        // RFC 6750 §3.1: no token, a challenge without an error code.
        await AssertErrorAsync(none, HttpStatusCode.Unauthorized, "invalid_token");
        Assert.Equal("Bearer realm=\"keycard\"", none.Headers.WwwAuthenticate.ToString());
        await AssertErrorAsync(twoAtOnce, HttpStatusCode.BadRequest, "invalid_request");
        await AssertErrorAsync(unknown, HttpStatusCode.Unauthorized, "invalid_token");
        await AssertErrorAsync(missingScope, HttpStatusCode.Forbidden, "insufficient_scope");
        Assert.Contains("scope=\"workplaces.book\"", missingScope.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkplaceApi_BehindGateway_AcceptsGatewayJwtForItsAudienceOnly()
    {
        var (access, refresh) = await _app.SignInAsync();

        using (var proxied = await CallAsync(_toKeycard, "/external/api/rest/v2/workplaces", access))
        {
            Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
            Assert.Equal(KeycardServer.AppClientId, (await proxied.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clientId").GetString());
        }

        // The route "elsewhere" reaches the same API, but its JWT's audience is "elsewhere", not this API's.
        using (var wrongAudience = await CallAsync(_toKeycard, "/external/api/rest/v2/elsewhere", access))
        {
            await AssertErrorAsync(wrongAudience, HttpStatusCode.Unauthorized, "invalid_token");
        }

        // The client library's sequence through the gateway: expired 403, refresh, retry, revoke 401.
        await Task.Delay(KeycardServer.AccessTokenLifetime + TimeSpan.FromSeconds(1));
        using (var expired = await CallAsync(_toKeycard, "/external/api/rest/v2/workplaces", access))
        {
            await AssertErrorAsync(expired, HttpStatusCode.Forbidden, "invalid_token");
        }

        (access, _) = await _app.RefreshAsync(refresh);
        using (var retry = await CallAsync(_toKeycard, "/external/api/rest/v2/workplaces", access))
        {
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        }

        await _app.RevokeAsync(access);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        using var revoked = await CallAsync(_toKeycard, "/external/api/rest/v2/workplaces", access);
        await AssertErrorAsync(revoked, HttpStatusCode.Unauthorized, "invalid_token");
    }

    public async Task DisposeAsync()
    {
        _toKeycard.Dispose();
        _toApi.Dispose();
        await _api.DisposeAsync();
        await _keycard.DisposeAsync();
    }
}
