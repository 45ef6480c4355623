using System.Net;
using Keycard.Core.Security;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.Contracts;

/// <summary>
/// What the token endpoint answers in every dialect (RFC 6749 §3.2, §4.1.3, §4.4, §5, §6; RFC 7636 §4.5–§4.6).
/// The grant rules themselves are specified in Keycard.Core.Tests; this suite pins what a client observes over HTTP.
/// </summary>
public abstract class TokenEndpointContract<TDialect> : EndpointContract<TDialect>
    where TDialect : Dialect, new()
{
    [Fact]
    public async Task Exchange_ValidCode_ReturnsBearerTokensThatAreNotCached()
    {
        var code = await PublicCodeAsync();

        using var response = await ExchangePublicAsync(code);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);

        // RFC 6749 §5.1: MUST include Cache-Control: no-store and Pragma: no-cache.
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Contains("no-cache", response.Headers.Pragma.Select(p => p.Name));
        var body = await JsonAsync(response);
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(TimeSpan.FromHours(1), Dialect.ExpiresIn(body));
        Assert.Equal("email", body.GetProperty("scope").GetString());
        Assert.Equal(SecureToken.OrderedTokenLength, body.GetProperty("access_token").GetString()!.Length);
        Assert.Equal(SecureToken.OrderedTokenLength, body.GetProperty("refresh_token").GetString()!.Length);
    }

    [Fact]
    public async Task Exchange_AccessToken_OpensTheApiAsTheUser()
    {
        var tokens = await SignInPublicAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/external/api/rest/v2/users/me");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens.AccessToken);

        using var me = await Dialect.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(KeycardFactory.UserName, (await JsonAsync(me)).GetProperty("userName").GetString());
    }

    [Fact]
    public async Task Exchange_CodeUsedTwice_IsInvalidGrantAndRevokesEveryTokenIssuedFromIt()
    {
        // RFC 6749 §4.1.2 and RFC 9700 §4.5: codes are single use; a second use revokes the tokens issued from it,
        // including those a refresh has rotated to since.
        var code = await PublicCodeAsync();
        using var first = await ExchangePublicAsync(code);
        var tokens = await IssuedTokenSet.ReadAsync(first);
        using var refreshed = await RefreshAsync(tokens.RefreshToken!);
        var rotated = await IssuedTokenSet.ReadAsync(refreshed);

        using var second = await ExchangePublicAsync(code);

        await Dialect.AssertErrorAsync(second, HttpStatusCode.BadRequest, "invalid_grant");
        Assert.Equal(HttpStatusCode.Unauthorized, await ApiStatusAsync(tokens.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await ApiStatusAsync(rotated.AccessToken));
        using var refresh = await RefreshAsync(rotated.RefreshToken!);
        await Dialect.AssertErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_MismatchedRedirectScopeOrClient_DoesNotSpendTheCode()
    {
        // RFC 6749 §4.1.3: a request that does not match the code's bindings is refused; only the legitimate client's
        // exchange spends the code, so a mismatched guess cannot make the real client's exchange fail.
        var code = await PublicCodeAsync();

        using var otherRedirect = await ExchangePublicAsync(code, redirectUri: "https://app.example.com/elsewhere");
        using var otherScope = await ExchangePublicAsync(code, scope: "email admin");
        using var otherClient = await ExchangeConfidentialAsync(code, Secret, verifier: OAuthForms.Verifier);
        using var bound = await ExchangePublicAsync(code);

        await Dialect.AssertErrorAsync(otherRedirect, HttpStatusCode.BadRequest, "invalid_grant");
        await Dialect.AssertErrorAsync(otherScope, HttpStatusCode.BadRequest, "invalid_grant");
        await Dialect.AssertErrorAsync(otherClient, HttpStatusCode.BadRequest, "invalid_grant");
        Assert.Equal(HttpStatusCode.OK, bound.StatusCode);
    }

    [Fact]
    public async Task Exchange_JustBeforeTheCodeExpires_Succeeds()
    {
        var code = await PublicCodeAsync();
        Factory.Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));

        using var response = await ExchangePublicAsync(code);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Exchange_AfterTheCodeExpired_IsInvalidGrant()
    {
        // The guide: "The authorization code expires after 5 minutes" (RFC 6749 §4.1.2: a short lifetime).
        var code = await PublicCodeAsync();
        Factory.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        using var response = await ExchangePublicAsync(code);

        await Dialect.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Theory]
    [InlineData("https://app.example.com/other")]
    [InlineData("https://evil.example.com/callback")]
    [InlineData(null)]
    public async Task Exchange_RedirectUriDiffersFromTheAuthorizationRequest_IsInvalidGrant(string? redirectUri)
    {
        // RFC 6749 §4.1.3: required, and identical, when the authorization request included it.
        var code = await PublicCodeAsync();

        using var response = await ExchangePublicAsync(code, redirectUri: redirectUri);

        await Dialect.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Theory]
    [InlineData("other-scope")]
    [InlineData("email admin")]
    public async Task Exchange_ScopeDiffersFromTheAuthorizationRequest_IsInvalidGrant(string scope)
    {
        // The guide: x-scope is "the same scope used to get the auth-code"; the code is bound to it.
        var code = await PublicCodeAsync();

        using var response = await ExchangePublicAsync(code, scope: scope);

        await Dialect.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_CodeOfAnotherClient_IsInvalidGrant()
    {
        // RFC 6749 §4.1.3: the code must have been issued to the authenticated client.
        await Factory.AddClientAsync(KeycardFactory.NewClient("other"));
        var code = await PublicCodeAsync();

        using var response = await ExchangePublicAsync(code, clientId: "other");

        await Dialect.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Theory]
    [InlineData("not-a-real-code")]
    [InlineData("generated")]
    public async Task Exchange_UnknownCode_IsInvalidGrant(string code)
    {
        using var response = await ExchangePublicAsync(code == "generated" ? SecureToken.Generate() : code);

        await Dialect.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_MissingCode_IsInvalidRequest()
    {
        using var response = await ExchangePublicAsync(null);

        await Dialect.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Exchange_NoVerifierForAPkceCode_IsInvalidGrant()
    {
        // RFC 7636 §4.5: the verifier is REQUIRED when the code was issued with a challenge.
        var code = await PublicCodeAsync();

        using var response = await ExchangePublicAsync(code, verifier: null);

        await Dialect.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_WrongVerifier_IsInvalidGrantAndBurnsTheCode()
    {
        // RFC 7636 §4.6 and RFC 9700 §4.8: a wrong verifier fails, and the code cannot be guessed at again.
        var code = await PublicCodeAsync();

        using var wrong = await ExchangePublicAsync(code, verifier: new string('a', 43));
        using var retry = await ExchangePublicAsync(code);

        await Dialect.AssertErrorAsync(wrong, HttpStatusCode.BadRequest, "invalid_grant");
        await Dialect.AssertErrorAsync(retry, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_VerifierForACodeWithoutChallenge_IsInvalidGrant()
    {
        // RFC 9700 §2.1.1: a verifier without a challenge is a PKCE downgrade attempt.
        var code = await ConfidentialCodeAsync();

        using var response = await ExchangeConfidentialAsync(code, Secret, verifier: OAuthForms.Verifier);

        await Dialect.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_ConfidentialClientWithItsSecret_IssuesTokensWithARefreshToken()
    {
        var code = await ConfidentialCodeAsync();

        using var response = await ExchangeConfidentialAsync(code, Secret);

        var tokens = await IssuedTokenSet.ReadAsync(response);
        Assert.NotNull(tokens.RefreshToken);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-secret")]
    public async Task Exchange_ConfidentialClientWithoutItsSecret_Is401InvalidClient(string? secret)
    {
        // RFC 6749 §3.2.1: confidential clients MUST authenticate at the token endpoint.
        var code = await ConfidentialCodeAsync();

        using var response = await ExchangeConfidentialAsync(code, secret);

        await Dialect.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task Token_UnknownClient_Is401InvalidClient()
    {
        // RFC 6749 §5.2: invalid_client, "unknown client"; Keycard always answers it with 401.
        using var response = await ExchangePublicAsync("x", clientId: "nobody");

        await Dialect.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Theory]
    [InlineData("password")]
    [InlineData("urn:ietf:params:oauth:grant-type:device_code")]
    public async Task Token_UnknownGrantType_IsUnsupportedGrantType(string grantType)
    {
        using var response = await Dialect.TokenAsync(new TokenCall { GrantType = grantType, ClientId = ConfidentialClientId, ClientSecret = Secret });

        await Dialect.AssertErrorAsync(response, HttpStatusCode.BadRequest, "unsupported_grant_type");
    }

    [Fact]
    public async Task Token_MissingGrantType_IsInvalidRequest()
    {
        using var response = await Dialect.TokenAsync(new TokenCall { ClientId = ConfidentialClientId, ClientSecret = Secret, Scope = "email" });

        await Dialect.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Token_ErrorResponse_IsNotCached()
    {
        using var response = await ExchangePublicAsync("x");

        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Token_RepeatedWrongSecrets_Is429WithRetryAfter()
    {
        // RFC 6749 §10.10: guessing secrets is throttled per client; RFC 6585 §4 says when to come back.
        for (var i = 0; i < 5; i++)
        {
            using var failed = await Dialect.TokenAsync(new TokenCall { GrantType = "client_credentials", ClientId = ConfidentialClientId, ClientSecret = "wrong" });
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var response = await Dialect.TokenAsync(new TokenCall { GrantType = "client_credentials", ClientId = ConfidentialClientId, ClientSecret = Secret });

        await Dialect.AssertErrorAsync(response, HttpStatusCode.TooManyRequests, "too_many_attempts");
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task Refresh_ValidToken_RotatesAndTheOldOneReplayedAfterGraceEndsTheAuthorization()
    {
        // RFC 9700 §4.14.2: refresh tokens rotate; a rotated one presented again revokes its whole family.
        var tokens = await SignInPublicAsync();
        using var first = await RefreshAsync(tokens.RefreshToken!);
        var rotated = await IssuedTokenSet.ReadAsync(first);
        Assert.NotEqual(tokens.RefreshToken, rotated.RefreshToken);
        Assert.NotEqual(tokens.AccessToken, rotated.AccessToken);
        Assert.Equal(TimeSpan.FromHours(1), Dialect.ExpiresIn(rotated.Body));
        Factory.Time.Advance(TimeSpan.FromMinutes(1));

        using var replay = await RefreshAsync(tokens.RefreshToken!);
        using var afterReplay = await RefreshAsync(rotated.RefreshToken!);

        await Dialect.AssertErrorAsync(replay, HttpStatusCode.BadRequest, "invalid_grant");
        await Dialect.AssertErrorAsync(afterReplay, HttpStatusCode.BadRequest, "invalid_grant");
        Assert.Equal(HttpStatusCode.Unauthorized, await ApiStatusAsync(rotated.AccessToken));
    }

    [Fact]
    public async Task Refresh_RotatedTokenReplayedWithinGrace_AnswersAndKeepsTheAuthorization()
    {
        // RFC 9700 §4.14.2 allows a grace for concurrent refreshes (5 s by default): the replay is answered in the same
        // family, and both the replay's tokens and the rotation's refresh token keep working.
        var tokens = await SignInPublicAsync();
        using var first = await RefreshAsync(tokens.RefreshToken!);
        var rotated = await IssuedTokenSet.ReadAsync(first);
        Factory.Time.Advance(TimeSpan.FromSeconds(4));

        using var replay = await RefreshAsync(tokens.RefreshToken!);

        var answered = await IssuedTokenSet.ReadAsync(replay);
        Assert.Equal(HttpStatusCode.OK, await ApiStatusAsync(answered.AccessToken));
        using var next = await RefreshAsync(rotated.RefreshToken!);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task Refresh_NarrowerScope_IssuesTheNarrowedScopeAndRotates()
    {
        var tokens = await SignInConfidentialAsync("email profile");

        using var response = await RefreshAsync(tokens.RefreshToken!, ConfidentialClientId, Secret, scope: "email");

        var next = await IssuedTokenSet.ReadAsync(response);
        Assert.Equal("email", next.Body.GetProperty("scope").GetString());
        Assert.NotEqual(tokens.RefreshToken, next.RefreshToken);
    }

    [Fact]
    public async Task Refresh_WiderScope_IsInvalidScope()
    {
        // RFC 6749 §6: the requested scope MUST NOT include any scope not originally granted.
        var tokens = await SignInPublicAsync();

        using var response = await RefreshAsync(tokens.RefreshToken!, scope: "email admin");

        await Dialect.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_scope");
    }

    [Fact]
    public async Task Refresh_AfterThirtyDays_IsInvalidGrant()
    {
        var tokens = await SignInPublicAsync();
        Factory.Time.Advance(TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1));

        using var response = await RefreshAsync(tokens.RefreshToken!);

        await Dialect.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Refresh_TokenOfAnotherClient_IsInvalidGrant()
    {
        // RFC 6749 §6: the refresh token must be bound to the authenticated client.
        await Factory.AddClientAsync(KeycardFactory.NewClient("other"));
        var tokens = await SignInPublicAsync();

        using var asPublic = await RefreshAsync(tokens.RefreshToken!, clientId: "other");
        using var asConfidential = await RefreshAsync(tokens.RefreshToken!, ConfidentialClientId, Secret);

        await Dialect.AssertErrorAsync(asPublic, HttpStatusCode.BadRequest, "invalid_grant");
        await Dialect.AssertErrorAsync(asConfidential, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Refresh_ConfidentialClientWithoutSecret_Is401InvalidClient()
    {
        // RFC 6749 §6: a confidential client MUST authenticate to refresh.
        var tokens = await SignInConfidentialAsync();

        using var response = await RefreshAsync(tokens.RefreshToken!, ConfidentialClientId);

        await Dialect.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task ClientCredentials_ConfidentialClient_ReturnsAnAccessTokenWithoutRefreshToken()
    {
        using var response = await Dialect.TokenAsync(new TokenCall { GrantType = "client_credentials", ClientId = ConfidentialClientId, ClientSecret = Secret, Scope = "reports" });

        // RFC 6749 §4.4.3: a refresh token SHOULD NOT be included.
        var tokens = await IssuedTokenSet.ReadAsync(response);
        Assert.Null(tokens.RefreshToken);
        Assert.Equal("reports", tokens.Body.GetProperty("scope").GetString());
        Assert.Equal(TimeSpan.FromHours(1), Dialect.ExpiresIn(tokens.Body));
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task ClientCredentials_PublicClient_IsUnauthorizedClient()
    {
        // RFC 6749 §4.4: the client credentials grant MUST only be used by confidential clients.
        using var response = await Dialect.TokenAsync(new TokenCall { GrantType = "client_credentials", ClientId = PublicClientId });

        await Dialect.AssertErrorAsync(response, HttpStatusCode.BadRequest, "unauthorized_client");
    }
}
