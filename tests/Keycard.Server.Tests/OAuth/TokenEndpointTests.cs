using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Keycard.Core.Security;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.OAuth;

/// <summary>
/// What only the standard <c>/oauth2/token</c> does: client authentication by HTTP Basic or form (RFC 6749 §2.3),
/// form encoding and POST (§3.2), parameters at most once (§3.1). The rules both dialects share are in
/// <see cref="Contracts.TokenEndpointContract{TDialect}"/>.
/// </summary>
public sealed class TokenEndpointTests : OAuthTestBase
{

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
