using System.Net;
using System.Text.Json;
using Keycard.Server.Endpoints.OAuth;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Keycard.Server.Tests.OAuth;

/// <summary>RFC 8414 §2 and §3: the authorization server metadata document.</summary>
public sealed class MetadataTests : IAsyncLifetime
{
    private readonly KeycardFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _factory.Dispose();
        return Task.CompletedTask;
    }

    private async Task<(HttpResponseMessage Response, JsonElement Body)> GetMetadataAsync()
    {
        await _factory.SeedAsync();
        var response = await _factory.CreateClient().GetAsync("/.well-known/oauth-authorization-server");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (response, body);
    }

    private static string[] Strings(JsonElement body, string name) => [.. body.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public async Task Metadata_NoIssuerConfigured_IssuerIsTheRequestBaseUrlAndEndpointsHangOffIt()
    {
        var (response, body) = await GetMetadataAsync();

        // RFC 8414 §3.2: 200 with application/json.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("http://localhost", body.GetProperty("issuer").GetString());
        Assert.Equal("http://localhost/oauth2/authorize", body.GetProperty("authorization_endpoint").GetString());
        Assert.Equal("http://localhost/oauth2/token", body.GetProperty("token_endpoint").GetString());
        Assert.Equal("http://localhost/oauth2/revoke", body.GetProperty("revocation_endpoint").GetString());
        Assert.Equal("http://localhost/oauth2/introspect", body.GetProperty("introspection_endpoint").GetString());
    }

    [Fact]
    public async Task Metadata_Default_AdvertisesExactlyWhatTheServerDoes()
    {
        var (_, body) = await GetMetadataAsync();

        Assert.Equal(["authorization_code", "client_credentials", "refresh_token"], Strings(body, "grant_types_supported"));
        Assert.Equal(["code"], Strings(body, "response_types_supported"));
        Assert.Equal(["S256"], Strings(body, "code_challenge_methods_supported"));
        Assert.Equal(["client_secret_basic", "client_secret_post", "none"], Strings(body, "token_endpoint_auth_methods_supported"));
        Assert.Equal(["client_secret_basic", "client_secret_post", "none"], Strings(body, "revocation_endpoint_auth_methods_supported"));
        Assert.Equal(["client_secret_basic", "client_secret_post"], Strings(body, "introspection_endpoint_auth_methods_supported"));
        Assert.True(body.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());

        // RFC 8414 §2: the signing keys' JWK Set; OpenID Connect's scopes and endpoints (registered by Discovery 1.0).
        Assert.Equal("http://localhost/.well-known/jwks.json", body.GetProperty("jwks_uri").GetString());
        Assert.Equal(["openid", "profile", "email"], Strings(body, "scopes_supported"));
        Assert.Equal("http://localhost/oauth2/userinfo", body.GetProperty("userinfo_endpoint").GetString());
        Assert.Equal("http://localhost/oauth2/logout", body.GetProperty("end_session_endpoint").GetString());
    }

    [Fact]
    public async Task Metadata_ScopesConfigured_PublishesScopesSupported()
    {
        _factory.Settings["Keycard:Scopes:0"] = "email";
        _factory.Settings["Keycard:Scopes:1"] = "files.read";

        var (_, body) = await GetMetadataAsync();

        Assert.Equal(["openid", "profile", "email", "files.read"], Strings(body, "scopes_supported"));
    }

    [Theory]
    [InlineData("https://auth.example.com", "https://auth.example.com")]
    [InlineData("https://auth.example.com/", "https://auth.example.com")]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080")]
    public async Task Metadata_IssuerConfigured_IsUsedForIssuerAndEndpoints(string configured, string expected)
    {
        _factory.Settings["Keycard:Issuer"] = configured;

        var (_, body) = await GetMetadataAsync();

        Assert.Equal(expected, body.GetProperty("issuer").GetString());
        Assert.Equal(expected + "/oauth2/token", body.GetProperty("token_endpoint").GetString());
    }

    [Theory]
    [InlineData("http://auth.example.com")]
    [InlineData("https://auth.example.com/?tenant=1")]
    [InlineData("https://auth.example.com/#top")]
    [InlineData("auth.example.com")]
    [InlineData("ftp://auth.example.com")]
    public void IssuerOptions_NotHttpsOrWithQueryOrFragment_FailValidation(string configured)
    {
        // RFC 8414 §2: "a URL that uses the https scheme and has no query or fragment components".
        using var services = StandardOptionsWith(configured);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<StandardOAuthOptions>>().Value);

        Assert.Contains("Keycard:Issuer", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://auth.example.com")]
    [InlineData("https://example.com/keycard")]
    [InlineData("http://127.0.0.1:5000")]
    [InlineData("http://localhost:5000")]
    [InlineData("http://[::1]:5000")]
    public void IssuerOptions_HttpsOrLoopback_PassValidation(string configured)
    {
        using var services = StandardOptionsWith(configured);

        Assert.Equal(configured, services.GetRequiredService<IOptions<StandardOAuthOptions>>().Value.Issuer);
    }

    /// <summary>The options as <c>keycard serve</c> registers them; ValidateOnStart runs this same validation before the host starts.</summary>
    private static ServiceProvider StandardOptionsWith(string issuer)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Keycard:Issuer", issuer)]).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddStandardOAuth().BuildServiceProvider();
    }
}
