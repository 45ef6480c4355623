using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Keycard.Core.Security;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.OAuth;

/// <summary>RFC 6749 §3.2, §4.1.3, §4.4, §5.1, §5.2, §6 and RFC 7636 §4.5–§4.6 on <c>/oauth2/token</c>.</summary>
public sealed class TokenEndpointTests : OAuthTestBase
{
    [Fact]
    public async Task Exchange_CodeWithVerifier_ReturnsBearerTokensWithSecondsAndNoStore()
    {
        var code = await GetCodeAsync();

        using var response = await ExchangeAsync(code);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);

        // RFC 6749 §5.1: MUST include Cache-Control: no-store and Pragma: no-cache.
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Contains("no-cache", response.Headers.Pragma.Select(p => p.Name));
        var body = await JsonAsync(response);
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(3600, body.GetProperty("expires_in").GetInt64());
        Assert.Equal("email", body.GetProperty("scope").GetString());
        Assert.Equal(SecureToken.OrderedTokenLength, body.GetProperty("access_token").GetString()!.Length);
        Assert.Equal(SecureToken.OrderedTokenLength, body.GetProperty("refresh_token").GetString()!.Length);
    }

    [Fact]
    public async Task Exchange_AccessToken_WorksAsBearerOnTheApi()
    {
        var tokens = await SignInPublicAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/external/api/rest/v2/users/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("access_token").GetString());

        using var me = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(KeycardFactory.UserName, (await JsonAsync(me)).GetProperty("userName").GetString());
    }

    [Fact]
    public async Task Exchange_NoVerifierForAPkceCode_IsInvalidGrant()
    {
        // RFC 7636 §4.5: the verifier is REQUIRED when the code was issued with a challenge.
        var code = await GetCodeAsync();

        using var response = await ExchangeAsync(code, verifier: null);

        await OAuthForms.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_WrongVerifier_IsInvalidGrantAndBurnsTheCode()
    {
        // RFC 7636 §4.6: a verifier that does not match gets invalid_grant.
        var code = await GetCodeAsync();

        using var wrong = await ExchangeAsync(code, verifier: new string('a', 43));
        using var retry = await ExchangeAsync(code);

        await OAuthForms.ErrorAsync(wrong, HttpStatusCode.BadRequest, "invalid_grant");
        await OAuthForms.ErrorAsync(retry, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_VerifierForACodeWithoutChallenge_IsInvalidGrant()
    {
        var code = await GetCodeAsync(OAuthForms.AuthorizeUrl(KeycardFactory.ConfidentialClientId, challenge: "", method: null));

        using var response = await Forms.TokenWithBasicAsync(KeycardFactory.ConfidentialClientId, Secret,
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", KeycardFactory.RedirectUri), ("code_verifier", OAuthForms.Verifier));

        await OAuthForms.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_CodeUsedTwice_IsInvalidGrantAndRevokesTheFirstTokens()
    {
        // RFC 6749 §4.1.2: codes are single use; a second use SHOULD revoke the tokens issued from it.
        var code = await GetCodeAsync();
        using var first = await ExchangeAsync(code);
        var tokens = await JsonAsync(first);

        using var second = await ExchangeAsync(code);

        await OAuthForms.ErrorAsync(second, HttpStatusCode.BadRequest, "invalid_grant");
        using var refresh = await Forms.TokenAsync(("grant_type", "refresh_token"), ("refresh_token", tokens.GetProperty("refresh_token").GetString()!), ("client_id", KeycardFactory.PublicClientId));
        await OAuthForms.ErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_AfterTheCodeExpired_IsInvalidGrant()
    {
        var code = await GetCodeAsync();
        Factory.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        using var response = await ExchangeAsync(code);

        await OAuthForms.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Theory]
    [InlineData("https://app.example.com/other")]
    [InlineData(null)]
    public async Task Exchange_RedirectUriDiffersFromTheAuthorizationRequest_IsInvalidGrant(string? redirectUri)
    {
        // RFC 6749 §4.1.3: required, and identical, when the authorization request included it.
        var code = await GetCodeAsync();

        using var response = await ExchangeAsync(code, redirectUri: redirectUri);

        await OAuthForms.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_CodeOfAnotherClient_IsInvalidGrant()
    {
        await Factory.AddClientAsync(KeycardFactory.NewClient("other"));
        var code = await GetCodeAsync();

        using var response = await ExchangeAsync(code, clientId: "other");

        await OAuthForms.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_UnknownCode_IsInvalidGrant()
    {
        using var response = await ExchangeAsync(SecureToken.Generate());

        await OAuthForms.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Token_ConfidentialClientWithBasic_Succeeds()
    {
        var tokens = await SignInConfidentialAsync();

        Assert.Equal("Bearer", tokens.GetProperty("token_type").GetString());
    }

    [Fact]
    public async Task Token_ConfidentialClientWithPost_Succeeds()
    {
        var code = await GetCodeAsync(OAuthForms.AuthorizeUrl(KeycardFactory.ConfidentialClientId, challenge: "", method: null));

        using var response = await Forms.TokenAsync(("grant_type", "authorization_code"), ("code", code), ("redirect_uri", KeycardFactory.RedirectUri),
            ("client_id", KeycardFactory.ConfidentialClientId), ("client_secret", Secret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Token_BasicAndPostAtOnce_IsInvalidRequest()
    {
        // RFC 6749 §2.3: the client MUST NOT use more than one authentication method in each request.
        using var response = await Forms.TokenWithBasicAsync(KeycardFactory.ConfidentialClientId, Secret,
            ("grant_type", "client_credentials"), ("client_secret", Secret));

        await OAuthForms.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData("basic")]
    [InlineData("post")]
    [InlineData("none")]
    [InlineData("unknown")]
    public async Task Token_ClientAuthenticationFails_Is401InvalidClientWithBasicChallenge(string how)
    {
        using var response = how switch
        {
            "basic" => await Forms.TokenWithBasicAsync(KeycardFactory.ConfidentialClientId, "wrong", ("grant_type", "client_credentials")),
            "post" => await Forms.TokenAsync(("grant_type", "client_credentials"), ("client_id", KeycardFactory.ConfidentialClientId), ("client_secret", "wrong")),
            "unknown" => await Forms.TokenWithBasicAsync("nobody", "secret", ("grant_type", "client_credentials")),
            _ => await Forms.TokenAsync(("grant_type", "client_credentials")),
        };

        // RFC 6749 §5.2: invalid_client MAY be 401, and then MUST carry WWW-Authenticate.
        await OAuthForms.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
        Assert.Equal("Basic realm=\"keycard\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("bm9jb2xvbg==")]
    public async Task Token_MalformedBasicCredentials_IsInvalidClient(string encoded)
    {
        using var response = await Forms.PostAsync("/oauth2/token", [KeyValuePair.Create("grant_type", "client_credentials")], new AuthenticationHeaderValue("Basic", encoded));

        await OAuthForms.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task Token_BasicCredentialsWithReservedCharacters_AreFormDecodedBeforeChecking()
    {
        // RFC 6749 §2.3.1: id and secret are application/x-www-form-urlencoded before base64.
        const string clientId = "svc:one";
        const string secret = "p@ss:w%rd+x y/é";
        await Factory.AddClientAsync(KeycardFactory.NewClient(clientId) with { IsConfidential = true, SecretHash = SecureToken.Hash(secret), AllowClientCredentials = true });

        using var response = await Forms.TokenWithBasicAsync(clientId, secret, ("grant_type", "client_credentials"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Token_JsonBody_IsInvalidRequest()
    {
        using var response = await Http.PostAsJsonAsync("/oauth2/token", new { grant_type = "client_credentials", client_id = "webapp", client_secret = Secret });

        await OAuthForms.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Token_ParameterSentTwice_IsInvalidRequest()
    {
        // RFC 6749 §3.1: parameters MUST NOT be included more than once.
        using var response = await Forms.TokenWithBasicAsync(KeycardFactory.ConfidentialClientId, Secret,
            ("grant_type", "client_credentials"), ("scope", "a"), ("scope", "b"));

        await OAuthForms.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Token_NoGrantType_IsInvalidRequest()
    {
        using var response = await Forms.TokenWithBasicAsync(KeycardFactory.ConfidentialClientId, Secret, ("scope", "email"));

        await OAuthForms.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData("password")]
    [InlineData("urn:ietf:params:oauth:grant-type:device_code")]
    public async Task Token_UnknownGrantType_IsUnsupportedGrantType(string grantType)
    {
        using var response = await Forms.TokenWithBasicAsync(KeycardFactory.ConfidentialClientId, Secret, ("grant_type", grantType));

        await OAuthForms.ErrorAsync(response, HttpStatusCode.BadRequest, "unsupported_grant_type");
    }

    [Fact]
    public async Task ClientCredentials_ConfidentialClient_ReturnsAnAccessTokenWithoutRefreshToken()
    {
        using var response = await Forms.TokenWithBasicAsync(KeycardFactory.ConfidentialClientId, Secret, ("grant_type", "client_credentials"), ("scope", "reports"));

        // RFC 6749 §4.4.3: a refresh token SHOULD NOT be included.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal("reports", body.GetProperty("scope").GetString());
        Assert.Equal(3600, body.GetProperty("expires_in").GetInt64());
        Assert.False(body.TryGetProperty("refresh_token", out _));
    }

    [Fact]
    public async Task ClientCredentials_PublicClient_IsUnauthorizedClient()
    {
        // RFC 6749 §4.4: the client credentials grant MUST only be used by confidential clients.
        using var response = await Forms.TokenAsync(("grant_type", "client_credentials"), ("client_id", KeycardFactory.PublicClientId));

        await OAuthForms.ErrorAsync(response, HttpStatusCode.BadRequest, "unauthorized_client");
    }

    [Fact]
    public async Task Refresh_NarrowerScope_IssuesNarrowedTokenAndRotates()
    {
        var tokens = await SignInConfidentialAsync("email profile");
        var refresh = tokens.GetProperty("refresh_token").GetString()!;

        using var response = await Forms.TokenWithBasicAsync(KeycardFactory.ConfidentialClientId, Secret,
            ("grant_type", "refresh_token"), ("refresh_token", refresh), ("scope", "email"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal("email", body.GetProperty("scope").GetString());
        Assert.NotEqual(refresh, body.GetProperty("refresh_token").GetString());
    }

    [Fact]
    public async Task Refresh_WiderScope_IsInvalidScope()
    {
        // RFC 6749 §6: the requested scope MUST NOT include any scope not originally granted.
        var tokens = await SignInConfidentialAsync("email");

        using var response = await Forms.TokenWithBasicAsync(KeycardFactory.ConfidentialClientId, Secret,
            ("grant_type", "refresh_token"), ("refresh_token", tokens.GetProperty("refresh_token").GetString()!), ("scope", "email admin"));

        await OAuthForms.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_scope");
    }

    [Fact]
    public async Task Refresh_TokenOfAnotherClient_IsInvalidGrant()
    {
        // RFC 6749 §6: the refresh token must be bound to the authenticated client.
        var tokens = await SignInPublicAsync();

        using var response = await Forms.TokenWithBasicAsync(KeycardFactory.ConfidentialClientId, Secret,
            ("grant_type", "refresh_token"), ("refresh_token", tokens.GetProperty("refresh_token").GetString()!));

        await OAuthForms.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Refresh_ConfidentialClientWithoutSecret_IsInvalidClient()
    {
        // RFC 6749 §6: a confidential client MUST authenticate to refresh.
        var tokens = await SignInConfidentialAsync();

        using var response = await Forms.TokenAsync(("grant_type", "refresh_token"), ("refresh_token", tokens.GetProperty("refresh_token").GetString()!),
            ("client_id", KeycardFactory.ConfidentialClientId));

        await OAuthForms.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task Refresh_RotatedTokenReplayedAfterGrace_IsInvalidGrantAndEndsTheAuthorization()
    {
        var tokens = await SignInPublicAsync();
        var refresh = tokens.GetProperty("refresh_token").GetString()!;
        using var first = await Forms.TokenAsync(("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", KeycardFactory.PublicClientId));
        var rotated = (await JsonAsync(first)).GetProperty("refresh_token").GetString()!;
        Factory.Time.Advance(TimeSpan.FromMinutes(1));

        using var replay = await Forms.TokenAsync(("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", KeycardFactory.PublicClientId));
        using var afterReplay = await Forms.TokenAsync(("grant_type", "refresh_token"), ("refresh_token", rotated), ("client_id", KeycardFactory.PublicClientId));

        await OAuthForms.ErrorAsync(replay, HttpStatusCode.BadRequest, "invalid_grant");
        await OAuthForms.ErrorAsync(afterReplay, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Token_RepeatedWrongSecrets_Is429WithRetryAfter()
    {
        for (var i = 0; i < 5; i++)
        {
            using var failed = await Forms.TokenWithBasicAsync(KeycardFactory.ConfidentialClientId, "wrong", ("grant_type", "client_credentials"));
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var response = await Forms.TokenWithBasicAsync(KeycardFactory.ConfidentialClientId, Secret, ("grant_type", "client_credentials"));

        await OAuthForms.ErrorAsync(response, HttpStatusCode.TooManyRequests, "too_many_attempts");
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task Token_ErrorResponse_IsNotCached()
    {
        using var response = await Forms.TokenAsync(("grant_type", "authorization_code"), ("code", "x"), ("client_id", KeycardFactory.PublicClientId));

        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Token_GetRequest_IsNotAllowed()
    {
        // RFC 6749 §3.2: the client MUST use the HTTP POST method when making access token requests.
        using var response = await Http.GetAsync("/oauth2/token?grant_type=client_credentials&client_id=webapp&client_secret=" + Uri.EscapeDataString(Secret));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Token_EmptyParameter_IsTreatedAsOmitted()
    {
        // RFC 6749 §3.2: parameters sent without a value MUST be treated as if they were omitted.
        using var response = await Forms.TokenWithBasicAsync(KeycardFactory.ConfidentialClientId, Secret, ("grant_type", "client_credentials"), ("scope", ""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False((await JsonAsync(response)).TryGetProperty("scope", out _));
    }
}
