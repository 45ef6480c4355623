using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static Keycard.AspNetCore.Tests.ApiCalls;

namespace Keycard.AspNetCore.Tests;

/// <summary>
/// samples/WorkplaceApi validating Keycard's JWT access tokens (RFC 9068) locally, against a real <c>keycard serve</c>
/// whose client <c>jwt-spa</c> is registered with <c>--access-token-format jwt --resource</c> this API's resource:
/// no introspection call for a JWT, the guide's 403/401 rules, and a key rotated in with <c>keys rotate --now</c>.
/// </summary>
public sealed class WorkplaceApiJwtTests : IAsyncLifetime
{
    private const string Resource = "https://workplaces.example.com/";
    private const string OtherResource = "https://other.example.com/";
    private const string JwtClientId = "jwt-spa";
    private const string OtherJwtClientId = "jwt-other";

    /// <summary>Long enough that a token stays valid through a test's calls on a loaded machine, short enough to see one expire.</summary>
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(10);

    private KeycardServer _keycard = null!;
    private WorkplaceApiHost _api = null!;
    private HttpClient _toKeycard = null!;
    private HttpClient _toApi = null!;
    private IOfficeApp _app = null!;

    public async Task InitializeAsync()
    {
        _keycard = await KeycardServer.CreateAsync();
        await _keycard.AddJwtClientAsync(JwtClientId, Resource);
        await _keycard.AddJwtClientAsync(OtherJwtClientId, OtherResource);
        _api = WorkplaceApiHost.Start(_keycard, settings: new Dictionary<string, string>
        {
            ["Keycard:Resource"] = Resource,
            ["Keycard:ClockSkew"] = "00:00:00",
        });
        // Keycard's node re-reads its keys every second, so a rotation made with the CLI signs almost at once.
        await _keycard.StartAsync(new Dictionary<string, string>
        {
            ["Keycard:SigningKeys:RefreshInterval"] = "00:00:01",
            ["Keycard:AccessTokenLifetime"] = TokenLifetime.ToString(),
        });
        _toKeycard = new HttpClient { BaseAddress = new Uri(_keycard.BaseUrl) };
        _toApi = new HttpClient { BaseAddress = new Uri(_api.BaseUrl) };
        _app = new IOfficeApp(_toKeycard, JwtClientId);
    }

    [Fact]
    public async Task LocalJwt_ValidTokenEachTransport_PassesWithoutIntrospectionAndScopesApply()
    {
        var (access, _) = await _app.SignInAsync();
        Assert.Equal("at+jwt", new JsonWebToken(access).Typ);

        using var header = await CallAsync(_toApi, "/api/workplaces", access);
        using var query = await CallAsync(_toApi, "/api/workplaces", access, "query");
        using var bearer = await CallAsync(_toApi, "/api/workplaces", access, "bearer");
        using var missingScope = await CallAsync(_toApi, "/api/workplaces/bookings", access, method: HttpMethod.Post);

        foreach (var ok in new[] { header, query, bearer })
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            var body = await ok.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(JwtClientId, body.GetProperty("clientId").GetString());
            Assert.False(string.IsNullOrEmpty(body.GetProperty("subject").GetString()));
        }

        await AssertErrorAsync(missingScope, HttpStatusCode.Forbidden, "insufficient_scope");
        Assert.Contains("scope=\"workplaces.book\"", missingScope.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, _api.IntrospectionRequests);

        // An opaque token (client spa) still goes to introspection.
        var (opaque, _) = await new IOfficeApp(_toKeycard).SignInAsync();
        using var introspected = await CallAsync(_toApi, "/api/workplaces", opaque);
        Assert.Equal(HttpStatusCode.OK, introspected.StatusCode);
        Assert.Equal(1, _api.IntrospectionRequests);
    }

    [Fact]
    public async Task LocalJwt_TamperedForeignKeyOrWrongAudience_Is401NotIntrospected()
    {
        var (access, _) = await _app.SignInAsync();
        var (otherAudience, _) = await new IOfficeApp(_toKeycard, OtherJwtClientId).SignInAsync();
        var parts = access.Split('.');
        var claims = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        claims["scope"] = "email workplaces.book";
        var widenedScope = parts[0] + "." + Base64UrlEncoder.Encode(claims.ToJsonString()) + "." + parts[2];
        var badSignature = parts[0] + "." + parts[1] + "." + (parts[2][..^4] + (parts[2][^4..] == "AAAA" ? "BBBB" : "AAAA"));
        var kid = new JsonWebToken(access).Kid;
        var foreignSameKid = SignWithForeignKey(claims, kid);
        var foreignOwnKid = SignWithForeignKey(claims, "not-a-keycard-key");

        foreach (var token in new[] { widenedScope, badSignature, foreignSameKid, foreignOwnKid, otherAudience })
        {
            // Sent the guide's way, so an expired verdict would show as 403: each is 401.
            using var response = await CallAsync(_toApi, "/api/workplaces", token);
            await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
        }

        using var widenedBooking = await CallAsync(_toApi, "/api/workplaces/bookings", widenedScope, "bearer", HttpMethod.Post);
        await AssertErrorAsync(widenedBooking, HttpStatusCode.Unauthorized, "invalid_token");
        Assert.Contains("error=\"invalid_token\"", widenedBooking.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, _api.IntrospectionRequests);
    }

    [Fact]
    public async Task LocalJwt_Expired_Is403ViaGuideTransports401AsBearerAndRefreshedTokenPasses()
    {
        var (access, refresh) = await _app.SignInAsync();

        await Task.Delay(TokenLifetime + TimeSpan.FromSeconds(1));

        using (var header = await CallAsync(_toApi, "/api/workplaces", access))
        {
            await AssertErrorAsync(header, HttpStatusCode.Forbidden, "invalid_token");
        }

        using (var query = await CallAsync(_toApi, "/api/workplaces", access, "query"))
        {
            await AssertErrorAsync(query, HttpStatusCode.Forbidden, "invalid_token");
        }

        using (var bearer = await CallAsync(_toApi, "/api/workplaces", access, "bearer"))
        {
            await AssertErrorAsync(bearer, HttpStatusCode.Unauthorized, "invalid_token");
            Assert.Contains("error=\"invalid_token\"", bearer.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        (access, _) = await _app.RefreshAsync(refresh);
        using var retry = await CallAsync(_toApi, "/api/workplaces", access);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(0, _api.IntrospectionRequests);
    }

    [Fact]
    public async Task LocalJwt_KeyRotatedNow_TokenOfTheNewKeyPassesAtFirstCall()
    {
        var (before, _) = await _app.SignInAsync();
        using (var first = await CallAsync(_toApi, "/api/workplaces", before))
        {
            // The API has now read Keycard's metadata and JWKS once and caches them.
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await _keycard.RotateKeysNowAsync();
        var after = before;
        for (var attempt = 0; attempt < 50 && new JsonWebToken(after).Kid == new JsonWebToken(before).Kid; attempt++)
        {
            await Task.Delay(200);
            (after, _) = await _app.SignInAsync();
        }

        Assert.NotEqual(new JsonWebToken(before).Kid, new JsonWebToken(after).Kid);
        using var newKey = await CallAsync(_toApi, "/api/workplaces", after);
        using var oldKey = await CallAsync(_toApi, "/api/workplaces", before);
        Assert.Equal(HttpStatusCode.OK, newKey.StatusCode);
        // The old key stays published: its token still verifies (403 rather than 401 once its lifetime has passed).
        Assert.Contains(oldKey.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Forbidden });
        Assert.Equal(0, _api.IntrospectionRequests);
    }

    [Fact]
    public async Task JwtValidation_IntrospectionMode_RevokedJwtIs401WhereLocalModeStillAcceptsIt()
    {
        await using var introspecting = WorkplaceApiHost.Start(_keycard, settings: new Dictionary<string, string>
        {
            ["Keycard:Resource"] = Resource,
            ["Keycard:JwtValidation"] = "Introspection",
        });
        using var toIntrospecting = new HttpClient { BaseAddress = new Uri(introspecting.BaseUrl) };
        var (access, _) = await _app.SignInAsync();
        using (var before = await CallAsync(toIntrospecting, "/api/workplaces", access))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await _app.RevokeAsync(access);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        using var local = await CallAsync(_toApi, "/api/workplaces", access);
        using var introspected = await CallAsync(toIntrospecting, "/api/workplaces", access);

        // RFC 9068 §5 / docs/access-tokens.md: a JWT checked offline is not seen as revoked until it expires.
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        await AssertErrorAsync(introspected, HttpStatusCode.Unauthorized, "invalid_token");
        Assert.Equal(2, introspecting.IntrospectionRequests);
        Assert.Equal(0, _api.IntrospectionRequests);
    }

    [Fact]
    public async Task JwtValidation_IntrospectionMode_TokenBoundToAnotherResourceIs401()
    {
        await using var introspecting = WorkplaceApiHost.Start(_keycard, settings: new Dictionary<string, string>
        {
            ["Keycard:Resource"] = Resource,
            ["Keycard:JwtValidation"] = "Introspection",
        });
        using var toIntrospecting = new HttpClient { BaseAddress = new Uri(introspecting.BaseUrl) };
        var (mine, _) = await _app.SignInAsync();
        var (otherAudience, _) = await new IOfficeApp(_toKeycard, OtherJwtClientId).SignInAsync();

        using var accepted = await CallAsync(toIntrospecting, "/api/workplaces", mine);
        using var refused = await CallAsync(toIntrospecting, "/api/workplaces", otherAudience);

        // Keycard's introspection names the token's aud (RFC 7662 §2.2); a token meant for another resource (RFC 8707) is not for this API.
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await AssertErrorAsync(refused, HttpStatusCode.Unauthorized, "invalid_token");
        Assert.Equal(2, introspecting.IntrospectionRequests);
    }

    /// <summary>The same claims and header, signed by a key Keycard never published.</summary>
    private static string SignWithForeignKey(JsonObject claims, string kid)
    {
        using var rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(rsa.ExportParameters(true)) { KeyId = kid };
        return new JsonWebTokenHandler().CreateToken(claims.ToJsonString(), new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
            new Dictionary<string, object> { [JwtHeaderParameterNames.Typ] = "at+jwt" });
    }

    public async Task DisposeAsync()
    {
        _toKeycard.Dispose();
        _toApi.Dispose();
        await _api.DisposeAsync();
        await _keycard.DisposeAsync();
    }
}
