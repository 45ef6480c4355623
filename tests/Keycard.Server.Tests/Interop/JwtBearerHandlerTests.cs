using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using Keycard.Core.Clients;
using Keycard.Core.Security;
using Keycard.Server.Tests.Infrastructure;
using Keycard.Storage.SigningKeys;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Keycard.Server.Tests.Interop;

/// <summary>
/// ASP.NET Core's JwtBearer handler in a small API, configured with nothing but Keycard's authority URL (it reads
/// <c>/.well-known/openid-configuration</c> and the JWKS itself) and the audience, validates Keycard's JWT access tokens
/// (RFC 9068) offline, across a key rotation: the next key is published ahead, so the JWKS the handler cached already
/// holds it when it starts signing; tokens of the old key keep validating.
/// </summary>
public sealed class JwtBearerHandlerTests : IAsyncLifetime
{
    private const string ClientId = "jwt-service";
    private const string ClientSecret = "jwt-service-secret-0123456789-abcdefghijklmnop";
    private const string Audience = "https://api.example.com/";

    private readonly KeycardFactory _factory = new();
    private WebApplication _api = null!;
    private HttpClient _http = null!;
    private string _keycardUrl = "";
    private string _apiUrl = "";

    public async Task InitializeAsync()
    {
        // The handler checks exp against the real clock: Keycard's fake clock starts at the real time.
        _factory.Time.SetUtcNow(DateTimeOffset.UtcNow);
        _factory.Settings["Keycard:SigningKeys:PublishAhead"] = "00:02:00";
        _factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        await _factory.SeedAsync();
        _keycardUrl = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
        await _factory.AddClientAsync(KeycardFactory.NewClient(ClientId) with
        {
            IsConfidential = true,
            SecretHash = SecureToken.Hash(ClientSecret),
            AllowClientCredentials = true,
            RedirectUris = [],
            AccessTokenFormat = AccessTokenFormats.Jwt,
            Resources = [Audience],
        });

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.Authority = _keycardUrl;
            options.Audience = Audience;
            // Keycard listens on plain http on 127.0.0.1 in this test; in production the authority is https.
            options.RequireHttpsMetadata = false;
        });
        builder.Services.AddAuthorization();
        _api = builder.Build();
        _api.UseAuthentication();
        _api.UseAuthorization();
        _api.MapGet("/whoami", (ClaimsPrincipal user) => Results.Text(user.FindFirst("client_id")?.Value ?? "")).RequireAuthorization();
        await _api.StartAsync();
        _apiUrl = _api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
        _http = new HttpClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
        _factory.Dispose();
    }

    private async Task<string> TokenAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _keycardUrl + "/oauth2/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("scope", "reports")]),
        };
        request.Headers.Authorization = OAuthForms.Basic(ClientId, ClientSecret);
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
    }

    private async Task<HttpResponseMessage> CallApiAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _apiUrl + "/whoami");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _http.SendAsync(request);
    }

    [Fact]
    public async Task JwtBearer_AuthorityOnly_ValidatesKeycardJwtAccessTokens()
    {
        var token = await TokenAsync();

        using var accepted = await CallApiAsync(token);
        using var tampered = await CallApiAsync(token[..^4] + (token[^4..] == "AAAA" ? "BBBB" : "AAAA"));
        using var missing = await CallApiAsync("");

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(ClientId, await accepted.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
    }

    [Fact]
    public async Task JwtBearer_AcrossAKeyRotation_OldTokenStillValidatesAndNewOneIsSignedByTheNewKey()
    {
        var before = await TokenAsync();
        var oldKid = new JsonWebToken(before).Kid;

        // A scheduled rotation (`keycard keys rotate`): the new key is published now and signs after PublishAhead.
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<SigningKeyAdministration>().RotateAsync(now: false, null, CancellationToken.None);
        }

        // Keycard's nodes see the new key within RefreshInterval (1 minute); then the handler reads the discovery document
        // and the JWKS once, here, and caches them.
        _factory.Time.Advance(TimeSpan.FromMinutes(1));
        using (var first = await CallApiAsync(before))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        _factory.Time.Advance(TimeSpan.FromMinutes(1));
        var after = await TokenAsync();
        var newKid = new JsonWebToken(after).Kid;

        using var oldAccepted = await CallApiAsync(before);
        using var newAccepted = await CallApiAsync(after);

        Assert.NotEqual(oldKid, newKid);
        Assert.Equal(HttpStatusCode.OK, newAccepted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, oldAccepted.StatusCode);
    }

    [Fact]
    public async Task JwtBearer_AfterRotateNow_AFreshHandlerValidatesOldAndNewTokens()
    {
        var before = await TokenAsync();

        // `keycard keys rotate --now` (after a leak): the new key signs at once; the old one stays published.
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<SigningKeyAdministration>().RotateAsync(now: true, null, CancellationToken.None);
        }

        _factory.Time.Advance(TimeSpan.FromMinutes(1));
        var after = await TokenAsync();

        using var newAccepted = await CallApiAsync(after);
        using var oldAccepted = await CallApiAsync(before);

        Assert.NotEqual(new JsonWebToken(before).Kid, new JsonWebToken(after).Kid);
        Assert.Equal(HttpStatusCode.OK, newAccepted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, oldAccepted.StatusCode);
    }
}
