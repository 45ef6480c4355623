using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Keycard.Server.Tests.Infrastructure;
using Keycard.Server.Tests.OAuth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.Server.Tests.OpenIdConnect;

/// <summary>OpenID Connect Core §3.1.3.3 and §3.1.3.7: the token endpoint's ID token, validated as a relying party would.</summary>
public sealed class IdTokenEndpointTests : OAuthTestBase
{
    private async Task<JsonWebToken> ValidateWithJwksAsync(string idToken, string audience = KeycardFactory.PublicClientId)
    {
        var jwks = new JsonWebKeySet(await Http.GetStringAsync("/.well-known/jwks.json"));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidIssuer = "http://localhost",
            ValidAudience = audience,
            ValidAlgorithms = ["RS256", "ES256"],

            // Keycard runs on the factory's fake clock; the lifetime is checked against it below.
            ValidateLifetime = false,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var token = (JsonWebToken)result.SecurityToken;
        Assert.True(token.ValidTo > Factory.Time.GetUtcNow().UtcDateTime);
        return token;
    }

    [Fact]
    public async Task CodeExchange_OpenIdWithNonce_IdTokenValidatesWithTheJwksAndCarriesNonceAndAtHash()
    {
        var code = await GetCodeAsync(OAuthForms.AuthorizeUrl(scope: "openid email") + "&nonce=n-0S6_WzA2Mj");

        using var response = await ExchangeAsync(code);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        var token = await ValidateWithJwksAsync(body.GetProperty("id_token").GetString()!);
        Assert.Equal("JWT", token.Typ);
        Assert.Equal("n-0S6_WzA2Mj", token.GetPayloadValue<string>("nonce"));
        Assert.False(string.IsNullOrEmpty(token.Subject));
        Assert.True(token.TryGetPayloadValue<long>("auth_time", out var authTime));
        Assert.Equal(Factory.Time.GetUtcNow().ToUnixTimeSeconds(), authTime);

        // Core §3.1.3.8: at_hash is the left half of SHA-256 over the access token's ASCII octets.
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(body.GetProperty("access_token").GetString()!));
        Assert.Equal(Base64UrlEncoder.Encode(hash[..16]), token.GetPayloadValue<string>("at_hash"));
    }

    [Fact]
    public async Task CodeExchange_NoOpenIdScope_HasNoIdToken()
    {
        var tokens = await SignInPublicAsync();

        Assert.False(tokens.TryGetProperty("id_token", out _));
    }

    [Fact]
    public async Task Refresh_OpenIdScope_ReturnsANewIdTokenForTheSameSubjectWithoutNonce()
    {
        var code = await GetCodeAsync(OAuthForms.AuthorizeUrl(scope: "openid") + "&nonce=abc");
        using var exchanged = await ExchangeAsync(code);
        var first = await JsonAsync(exchanged);
        var original = await ValidateWithJwksAsync(first.GetProperty("id_token").GetString()!);

        using var refreshed = await Forms.TokenAsync(
            ("grant_type", "refresh_token"), ("refresh_token", first.GetProperty("refresh_token").GetString()!), ("client_id", KeycardFactory.PublicClientId));

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var token = await ValidateWithJwksAsync((await JsonAsync(refreshed)).GetProperty("id_token").GetString()!);
        Assert.Equal(original.Subject, token.Subject);
        Assert.Equal(original.GetPayloadValue<long>("auth_time"), token.GetPayloadValue<long>("auth_time"));
        Assert.Equal(original.GetPayloadValue<string>("sid"), token.GetPayloadValue<string>("sid"));
        Assert.False(token.TryGetPayloadValue<string>("nonce", out _));
    }

    [Fact]
    public async Task IOfficeTokenEndpoint_OpenIdScope_AnswersWithoutAnIdToken()
    {
        var code = await GetCodeAsync(OAuthForms.AuthorizeUrl(scope: "openid"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/external/api/oauth2/token");
        request.Headers.Add("x-grant-type", "authorization_code");
        request.Headers.Add("x-client-id", KeycardFactory.PublicClientId);
        request.Headers.Add("x-auth-code", code);
        request.Headers.Add("x-redirect-uri", KeycardFactory.RedirectUri);
        request.Headers.Add("x-code-verifier", OAuthForms.Verifier);

        using var response = await Http.SendAsync(request);

        // The guide's token response is unchanged: OpenID Connect is the standard dialect's.
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.TryGetProperty("access_token", out _) || body.TryGetProperty("accessToken", out _), body.ToString());
        Assert.False(body.TryGetProperty("id_token", out _));
    }
}
