using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Keycard.Core.Security;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.OAuth;

/// <summary>
/// RFC 7009 §2 on <c>/oauth2/revoke</c> as only the standard dialect does it (hints, mandatory client authentication,
/// POST only; the rules both dialects share are in <see cref="Contracts.RevocationEndpointContract{TDialect}"/>), and
/// RFC 7662 §2 on <c>/oauth2/introspect</c>.
/// </summary>
public sealed class RevocationAndIntrospectionTests : OAuthTestBase
{
    private Task<HttpResponseMessage> RevokeAsync(string token, string? hint = null, AuthenticationHeaderValue? auth = null, string? clientId = null)
    {
        var form = new List<KeyValuePair<string, string>> { new("token", token) };
        if (hint is not null)
        {
            form.Add(new("token_type_hint", hint));
        }

        if (clientId is not null)
        {
            form.Add(new("client_id", clientId));
        }

        return Forms.PostAsync("/oauth2/revoke", form, auth ?? OAuthForms.Basic(KeycardFactory.ConfidentialClientId, Secret));
    }

    private async Task<JsonElement> IntrospectAsync(string token, AuthenticationHeaderValue? auth = null)
    {
        using var response = await Forms.PostAsync("/oauth2/introspect", [new("token", token)], auth ?? OAuthForms.Basic(KeycardFactory.ConfidentialClientId, Secret));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        return await JsonAsync(response);
    }

    private async Task<HttpStatusCode> MeAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/external/api/rest/v2/users/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await Http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Revoke_WrongHint_StillRevokes()
    {
        // RFC 7009 §2.1: the hint is only a hint; the server extends its search to all token types.
        var tokens = await SignInConfidentialAsync();
        var access = tokens.GetProperty("access_token").GetString()!;

        using var response = await RevokeAsync(access, "refresh_token");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(access));
    }

    [Fact]
    public async Task Revoke_UnknownTokenWithUnknownHint_Returns200()
    {
        // RFC 7009 §2.2: invalid tokens do not cause an error response; RFC 7009 §2.1: an unknown hint is ignored.
        using var response = await RevokeAsync(SecureToken.Generate(), "urn:example:unknown-hint");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Revoke_WithoutClientAuthentication_Is401InvalidClient()
    {
        var tokens = await SignInConfidentialAsync();

        using var response = await Forms.PostAsync("/oauth2/revoke", [new("token", tokens.GetProperty("access_token").GetString()!)]);

        await OAuthForms.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
        Assert.Equal("Basic realm=\"keycard\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Revoke_GetRequest_IsNotAllowed()
    {
        // RFC 7009 §2.1: the client requests revocation with an HTTP POST.
        using var response = await Http.GetAsync("/oauth2/revoke?token=abc");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Introspect_ActiveAccessToken_DescribesIt()
    {
        var tokens = await SignInConfidentialAsync("email profile");

        var body = await IntrospectAsync(tokens.GetProperty("access_token").GetString()!);

        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.Equal("email profile", body.GetProperty("scope").GetString());
        Assert.Equal(KeycardFactory.ConfidentialClientId, body.GetProperty("client_id").GetString());
        Assert.Equal(KeycardFactory.UserName, body.GetProperty("username").GetString());
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal("http://localhost", body.GetProperty("iss").GetString());

        // RFC 7662 §2.2 aud: with no resource named (RFC 8707), Keycard itself, as a JWT access token's aud would be.
        Assert.Equal("http://localhost", body.GetProperty("aud").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("sub").GetString()));
        var now = Factory.Time.GetUtcNow().ToUnixTimeSeconds();
        Assert.Equal(now, body.GetProperty("iat").GetInt64());
        Assert.Equal(now + 3600, body.GetProperty("exp").GetInt64());
    }

    [Fact]
    public async Task Introspect_ActiveRefreshToken_DescribesIt()
    {
        var tokens = await SignInConfidentialAsync();

        var body = await IntrospectAsync(tokens.GetProperty("refresh_token").GetString()!);

        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.Equal("refresh_token", body.GetProperty("token_type").GetString());
        Assert.False(body.TryGetProperty("aud", out _));
        Assert.Equal(KeycardFactory.UserName, body.GetProperty("username").GetString());
    }

    [Fact]
    public async Task Introspect_ClientCredentialsToken_HasTheClientAsSubjectAndNoUsername()
    {
        using var issued = await Forms.TokenWithBasicAsync(KeycardFactory.ConfidentialClientId, Secret, ("grant_type", "client_credentials"));

        var body = await IntrospectAsync((await JsonAsync(issued)).GetProperty("access_token").GetString()!);

        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.Equal(KeycardFactory.ConfidentialClientId, body.GetProperty("sub").GetString());
        Assert.False(body.TryGetProperty("username", out _));
    }

    [Fact]
    public async Task Introspect_OwnTokenExpired_IsInactiveWithKeycardExpiredReasonOnly()
    {
        // RFC 7662 §2.2 allows extension members; Keycard tells an authenticated confidential client that may see the
        // token that it merely expired (docs/gateway.md), so a resource server can answer 403 instead of 401.
        var tokens = await SignInConfidentialAsync();
        Factory.Time.Advance(TimeSpan.FromHours(1));

        var body = await IntrospectAsync(tokens.GetProperty("access_token").GetString()!);

        Assert.False(body.GetProperty("active").GetBoolean());
        Assert.Equal("expired", body.GetProperty("keycard_inactive_reason").GetString());
        Assert.Equal(2, body.EnumerateObject().Count());
    }

    [Theory]
    [InlineData("revoked")]
    [InlineData("unknown")]
    [InlineData("code")]
    [InlineData("rotated")]
    public async Task Introspect_TokenNotInUse_IsOnlyActiveFalse(string state)
    {
        string token;
        if (state == "code")
        {
            token = await GetCodeAsync(OAuthForms.AuthorizeUrl(KeycardFactory.ConfidentialClientId, challenge: "", method: null));
        }
        else if (state == "unknown")
        {
            token = SecureToken.Generate();
        }
        else
        {
            var tokens = await SignInConfidentialAsync();
            token = tokens.GetProperty(state == "rotated" ? "refresh_token" : "access_token").GetString()!;
            if (state == "revoked")
            {
                using var _ = await RevokeAsync(token);
            }
            else
            {
                using var _ = await Forms.TokenWithBasicAsync(KeycardFactory.ConfidentialClientId, Secret, ("grant_type", "refresh_token"), ("refresh_token", token));
            }
        }

        var body = await IntrospectAsync(token);

        // RFC 7662 §2.2: for an inactive token the server SHOULD NOT include anything but "active" (an expired one
        // gets Keycard's keycard_inactive_reason, above; these do not).
        Assert.False(body.GetProperty("active").GetBoolean());
        Assert.Single(body.EnumerateObject());
    }

    [Fact]
    public async Task Introspect_TokenOfAnotherClient_IsInactive()
    {
        var tokens = await SignInPublicAsync();

        var body = await IntrospectAsync(tokens.GetProperty("access_token").GetString()!);

        Assert.False(body.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Introspect_PublicClient_Is401InvalidClient()
    {
        // RFC 7662 §2.1: the endpoint MUST require authentication; a public client has none to offer.
        var tokens = await SignInPublicAsync();

        using var response = await Forms.PostAsync("/oauth2/introspect",
            [new("token", tokens.GetProperty("access_token").GetString()!), new("client_id", KeycardFactory.PublicClientId)]);

        await OAuthForms.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task Introspect_WithPostAuthentication_Works()
    {
        var tokens = await SignInConfidentialAsync();

        using var response = await Forms.PostAsync("/oauth2/introspect",
            [new("token", tokens.GetProperty("access_token").GetString()!), new("client_id", KeycardFactory.ConfidentialClientId), new("client_secret", Secret)]);

        Assert.True((await JsonAsync(response)).GetProperty("active").GetBoolean());
    }
}
