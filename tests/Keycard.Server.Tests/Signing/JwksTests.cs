using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Keycard.Core.Signing;
using Keycard.Server.Tests.Infrastructure;
using Keycard.Storage.SigningKeys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.Server.Tests.Signing;

/// <summary>RFC 7517 §5: the JWK Set of the signing keys at /.well-known/jwks.json (issue 16).</summary>
public sealed class JwksTests : IAsyncLifetime
{
    private readonly KeycardFactory _factory = new();

    public async Task InitializeAsync() => await _factory.SeedAsync();

    public Task DisposeAsync()
    {
        _factory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Jwks_FirstStart_PublishesOnePublicRsaKeyWithCacheHeaders()
    {
        var response = await _factory.CreateClient().GetAsync("/.well-known/jwks.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.True(response.Headers.CacheControl!.Public);
        Assert.Equal(TimeSpan.FromMinutes(5), response.Headers.CacheControl.MaxAge);
        var keys = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("keys");
        var key = Assert.Single(keys.EnumerateArray());
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        Assert.Equal("RS256", key.GetProperty("alg").GetString());
        Assert.Equal("sig", key.GetProperty("use").GetString());
        Assert.False(string.IsNullOrEmpty(key.GetProperty("kid").GetString()));

        // RFC 7518 §6.3.2: the private members (d, p, q, dp, dq, qi) are never published.
        foreach (var member in new[] { "d", "p", "q", "dp", "dq", "qi" })
        {
            Assert.False(key.TryGetProperty(member, out _), member);
        }
    }

    [Fact]
    public async Task Jwt_SignedWithCurrentKey_ValidatesAgainstJwksAndAForeignKeyDoesNot()
    {
        var ring = _factory.Services.GetRequiredService<ISigningKeyRing>();
        var current = await ring.GetCurrentAsync(CancellationToken.None);
        var jwks = await FetchKeySetAsync();

        var signed = Sign(current.Credentials);
        using var foreign = RSA.Create(2048);
        var forged = Sign(new SigningCredentials(new RsaSecurityKey(foreign) { KeyId = current.KeyId }, SecurityAlgorithms.RsaSha256));

        Assert.True((await ValidateAsync(signed, jwks)).IsValid);
        Assert.False((await ValidateAsync(forged, jwks)).IsValid);
    }

    [Fact]
    public async Task Jwks_ShortPublishAhead_MaxAgeIsHalfOfIt()
    {
        // A cache must fetch the set again before a key published ahead starts signing.
        using var factory = new KeycardFactory();
        factory.Settings["Keycard:SigningKeys:PublishAhead"] = "00:02:00";
        await factory.SeedAsync();

        var response = await factory.CreateClient().GetAsync("/.well-known/jwks.json");

        Assert.Equal(TimeSpan.FromMinutes(1), response.Headers.CacheControl!.MaxAge);
    }

    [Fact]
    public async Task Jwks_AfterRotateNow_PublishesOldAndNewAndNewSignsAfterRefresh()
    {
        var ring = _factory.Services.GetRequiredService<ISigningKeyRing>();
        var old = await ring.GetCurrentAsync(CancellationToken.None);
        var oldToken = Sign(old.Credentials);
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<SigningKeyAdministration>().RotateAsync(now: true, null, CancellationToken.None);
        }

        _factory.Time.Advance(TimeSpan.FromMinutes(1));
        var next = await ring.GetCurrentAsync(CancellationToken.None);
        var jwks = await FetchKeySetAsync();

        Assert.NotEqual(old.KeyId, next.KeyId);
        Assert.Equal("RS256", next.Algorithm);
        Assert.Equal(2, jwks.Keys.Count);
        Assert.True((await ValidateAsync(oldToken, jwks)).IsValid, "tokens of the retired key still validate until it expires");
        Assert.True((await ValidateAsync(Sign(next.Credentials), jwks)).IsValid);
    }

    [Fact]
    public async Task RotationService_OnSchedule_PublishesNextKeyAheadThenSignsWithIt()
    {
        var defaults = new SigningKeyOptions();
        var ring = _factory.Services.GetRequiredService<ISigningKeyRing>();
        var first = await ring.GetCurrentAsync(CancellationToken.None);

        // Into the publish-ahead window, then one check interval at a time until the service has run its check.
        _factory.Time.Advance(defaults.RotationPeriod - defaults.PublishAhead);
        var published = 1;
        for (var i = 0; i < 40 && published < 2; i++)
        {
            _factory.Time.Advance(defaults.CheckInterval);
            await Task.Delay(100);
            published = (await FetchKeySetAsync()).Keys.Count;
        }

        Assert.Equal(2, published);
        Assert.Equal(first.KeyId, (await ring.GetCurrentAsync(CancellationToken.None)).KeyId);
        _factory.Time.SetUtcNow(first.RetiresAt);
        Assert.NotEqual(first.KeyId, (await ring.GetCurrentAsync(CancellationToken.None)).KeyId);
    }

    [Fact]
    public async Task Readyz_SigningKeyLoaded_ReportsTheSigningKeysCheckHealthy()
    {
        var response = await _factory.CreateClient().GetAsync("/readyz");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("signing-keys", body, StringComparison.Ordinal);
    }

    private async Task<JsonWebKeySet> FetchKeySetAsync() =>
        new(await _factory.CreateClient().GetStringAsync("/.well-known/jwks.json"));

    private string Sign(SigningCredentials credentials) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "http://localhost",
        Audience = "api",
        Subject = new ClaimsIdentity([new Claim("sub", "1")]),
        IssuedAt = _factory.Time.GetUtcNow().UtcDateTime,
        NotBefore = _factory.Time.GetUtcNow().UtcDateTime,
        Expires = _factory.Time.GetUtcNow().UtcDateTime.AddHours(1),
        SigningCredentials = credentials,
    });

    private Task<TokenValidationResult> ValidateAsync(string token, JsonWebKeySet jwks) => new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
    {
        ValidIssuer = "http://localhost",
        ValidAudience = "api",
        IssuerSigningKeys = jwks.GetSigningKeys(),
        ValidateLifetime = false,
    });
}
