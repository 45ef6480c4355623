using System.Net;
using System.Text.Json;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.OpenIdConnect;

/// <summary>OpenID Connect Discovery 1.0 §3 and §4: the provider configuration document.</summary>
public sealed class DiscoveryTests : IAsyncLifetime
{
    private readonly KeycardFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _factory.Dispose();
        return Task.CompletedTask;
    }

    private async Task<(HttpResponseMessage Response, JsonElement Body)> GetAsync(string path)
    {
        await _factory.SeedAsync();
        var response = await _factory.CreateClient().GetAsync(path);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (response, body);
    }

    private static string[] Strings(JsonElement body, string name) => [.. body.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public async Task Configuration_Default_PublishesTheBasicOpMetadata()
    {
        var (response, body) = await GetAsync("/.well-known/openid-configuration");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("http://localhost", body.GetProperty("issuer").GetString());
        Assert.Equal("http://localhost/oauth2/authorize", body.GetProperty("authorization_endpoint").GetString());
        Assert.Equal("http://localhost/oauth2/token", body.GetProperty("token_endpoint").GetString());
        Assert.Equal("http://localhost/oauth2/userinfo", body.GetProperty("userinfo_endpoint").GetString());
        Assert.Equal("http://localhost/.well-known/jwks.json", body.GetProperty("jwks_uri").GetString());
        Assert.Equal("http://localhost/oauth2/logout", body.GetProperty("end_session_endpoint").GetString());
        Assert.Equal("http://localhost/oauth2/revoke", body.GetProperty("revocation_endpoint").GetString());
        Assert.Equal("http://localhost/oauth2/introspect", body.GetProperty("introspection_endpoint").GetString());

        // Discovery §3: the REQUIRED members, and the ones a Basic OP relying party reads.
        Assert.Contains("openid", Strings(body, "scopes_supported"));
        Assert.Equal(["code"], Strings(body, "response_types_supported"));
        Assert.Equal(["public"], Strings(body, "subject_types_supported"));
        Assert.Equal(["RS256", "ES256"], Strings(body, "id_token_signing_alg_values_supported"));
        Assert.Equal(["S256"], Strings(body, "code_challenge_methods_supported"));
        Assert.Equal(["none", "login", "consent", "select_account"], Strings(body, "prompt_values_supported"));
        Assert.Contains("authorization_code", Strings(body, "grant_types_supported"));
        Assert.Contains("client_secret_basic", Strings(body, "token_endpoint_auth_methods_supported"));
        foreach (var claim in new[] { "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "name", "email", "email_verified", "preferred_username" })
        {
            Assert.Contains(claim, Strings(body, "claims_supported"));
        }

        // Discovery §3: request_uri_parameter_supported defaults to true, so "false" must be said out loud.
        Assert.False(body.GetProperty("request_parameter_supported").GetBoolean());
        Assert.False(body.GetProperty("request_uri_parameter_supported").GetBoolean());
        Assert.False(body.GetProperty("claims_parameter_supported").GetBoolean());
        Assert.True(body.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
    }

    [Fact]
    public async Task Configuration_IssuerConfigured_IssuerMatchesTheOAuthMetadataExactly()
    {
        _factory.Settings["Keycard:Issuer"] = "https://auth.example.com/";

        var (_, openid) = await GetAsync("/.well-known/openid-configuration");
        var (_, oauth) = await GetAsync("/.well-known/oauth-authorization-server");

        // Discovery §4.3: the issuer MUST be identical to the one the configuration was retrieved for.
        Assert.Equal("https://auth.example.com", openid.GetProperty("issuer").GetString());
        Assert.Equal(oauth.GetProperty("issuer").GetString(), openid.GetProperty("issuer").GetString());
        Assert.Equal("https://auth.example.com/oauth2/userinfo", openid.GetProperty("userinfo_endpoint").GetString());
    }

    [Fact]
    public async Task Configuration_Response_IsCacheable()
    {
        var (response, _) = await GetAsync("/.well-known/openid-configuration");

        Assert.True(response.Headers.CacheControl?.Public);
        Assert.True(response.Headers.CacheControl?.MaxAge > TimeSpan.Zero);
    }

    [Fact]
    public async Task Configuration_FromARegisteredOrigin_CarriesCorsHeaders()
    {
        await _factory.SeedAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/openid-configuration");
        request.Headers.Add("Origin", KeycardFactory.Origin);

        using var response = await _factory.CreateClient().SendAsync(request);

        Assert.Equal(KeycardFactory.Origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }
}
