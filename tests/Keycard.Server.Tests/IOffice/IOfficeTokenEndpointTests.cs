using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.IOffice;

public sealed class IOfficeTokenEndpointTests : IAsyncLifetime
{
    private readonly KeycardFactory _factory = new();
    private IOfficeClient _client = null!;

    public async Task InitializeAsync()
    {
        await _factory.SeedAsync();
        _client = new IOfficeClient(_factory.CreateClient());
    }

    public Task DisposeAsync()
    {
        _factory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Exchange_ValidCode_ReturnsGuideShapedTokensWithMilliseconds()
    {
        var code = await _client.GetCodeAsync();

        using var response = await _client.ExchangeAsync(code);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(3_600_000, body.GetProperty("expires_in").GetInt64());
        Assert.True(body.GetProperty("access_token").GetString()!.Length >= 43);
        Assert.True(body.GetProperty("refresh_token").GetString()!.Length >= 43);
    }

    [Fact]
    public async Task Exchange_RequestWithJsonBody_IsAccepted()
    {
        var code = await _client.GetCodeAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/external/api/oauth2/token")
        {
            Content = JsonContent.Create(new { ignored = true }),
        };
        request.Headers.Add("x-grant-type", "authorization_code");
        request.Headers.Add("x-redirect-uri", KeycardFactory.RedirectUri);
        request.Headers.Add("x-client-id", KeycardFactory.PublicClientId);
        request.Headers.Add("x-scope", "email");
        request.Headers.Add("x-auth-code", code);

        using var response = await _client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Exchange_CodeUsedTwice_SecondIsInvalidGrantAndFirstTokensAreRevoked()
    {
        var code = await _client.GetCodeAsync();
        using var first = await _client.ExchangeAsync(code);
        var tokens = await TokenSet.ReadAsync(first);

        using var second = await _client.ExchangeAsync(code);

        await ResponseAssert.ErrorAsync(second, HttpStatusCode.BadRequest, "invalid_grant");
        using var me = await _client.MeAsync(tokens.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        using var refresh = await _client.RefreshAsync(tokens.RefreshToken);
        await ResponseAssert.ErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_AfterFiveMinutes_IsInvalidGrant()
    {
        var code = await _client.GetCodeAsync();
        _factory.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        using var response = await _client.ExchangeAsync(code);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_JustBeforeFiveMinutes_Succeeds()
    {
        var code = await _client.GetCodeAsync();
        _factory.Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));

        using var response = await _client.ExchangeAsync(code);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("scope", "other-scope")]
    [InlineData("redirect", "https://evil.example.com/callback")]
    public async Task Exchange_BindingMismatch_IsInvalidGrant(string what, string value)
    {
        var code = await GetBoundCodeAsync();

        using var response = what == "scope"
            ? await _client.ExchangeAsync(code, scope: value)
            : await _client.ExchangeAsync(code, redirectUri: value);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_CodeOfAnotherClient_IsInvalidGrant()
    {
        await _factory.AddClientAsync(KeycardFactory.NewClient("other"));
        var code = await _client.GetCodeAsync();

        using var response = await _client.ExchangeAsync(code, clientId: "other");

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_UnknownCode_IsInvalidGrant()
    {
        using var response = await _client.ExchangeAsync("not-a-real-code");

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_MissingCode_IsInvalidRequest()
    {
        using var response = await _client.ExchangeAsync(null);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Token_UnknownGrantType_IsUnsupportedGrantType()
    {
        using var response = await _client.ExchangeAsync("x", extra: new Dictionary<string, string> { ["x-grant-type"] = "password" });

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "unsupported_grant_type");
    }

    [Fact]
    public async Task Token_MissingGrantType_IsInvalidRequest()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/external/api/oauth2/token");
        request.Headers.Add("x-client-id", KeycardFactory.PublicClientId);

        using var response = await _client.Http.SendAsync(request);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Token_UnknownClient_IsInvalidClient401()
    {
        using var response = await _client.ExchangeAsync("x", clientId: "nobody");

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task Token_ConfidentialClientWithoutSecret_IsInvalidClient()
    {
        var code = await _client.GetCodeAsync(KeycardFactory.ConfidentialClientId, _factory.ConfidentialSecret);

        using var response = await _client.ExchangeAsync(code, KeycardFactory.ConfidentialClientId);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task Token_ConfidentialClientWithWrongSecret_IsInvalidClient()
    {
        var code = await _client.GetCodeAsync(KeycardFactory.ConfidentialClientId, _factory.ConfidentialSecret);

        using var response = await _client.ExchangeAsync(code, KeycardFactory.ConfidentialClientId, secret: "wrong-secret");

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task Token_ConfidentialClientWithSecret_Succeeds()
    {
        var tokens = await _client.SignInAsync(KeycardFactory.ConfidentialClientId, _factory.ConfidentialSecret);

        Assert.NotNull(tokens.RefreshToken);
    }

    [Fact]
    public async Task Refresh_RotatesAndOldRefreshTokenStopsWorking()
    {
        var tokens = await _client.SignInAsync();
        using var refreshed = await _client.RefreshAsync(tokens.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var next = await TokenSet.ReadAsync(refreshed);
        Assert.NotEqual(tokens.RefreshToken, next.RefreshToken);
        Assert.NotEqual(tokens.AccessToken, next.AccessToken);
        _factory.Time.Advance(TimeSpan.FromMinutes(1));

        using var reused = await _client.RefreshAsync(tokens.RefreshToken);

        await ResponseAssert.ErrorAsync(reused, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Refresh_WiderScope_IsInvalidScope()
    {
        var tokens = await _client.SignInAsync();

        using var response = await _client.RefreshAsync(tokens.RefreshToken, scope: "email admin");

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_scope");
    }

    [Fact]
    public async Task Refresh_AfterThirtyDays_IsInvalidGrant()
    {
        var tokens = await _client.SignInAsync();
        _factory.Time.Advance(TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1));

        using var response = await _client.RefreshAsync(tokens.RefreshToken);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Refresh_TokenOfAnotherClient_IsInvalidGrant()
    {
        await _factory.AddClientAsync(KeycardFactory.NewClient("other"));
        var tokens = await _client.SignInAsync();

        using var response = await _client.RefreshAsync(tokens.RefreshToken, clientId: "other");

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    private async Task<string> GetBoundCodeAsync()
    {
        // A code from /auth named with its scope and redirect URI is bound to both.
        using var response = await _client.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, KeycardFactory.PublicClientId,
            extra: new Dictionary<string, string> { ["x-scope"] = "email", ["x-redirect-uri"] = KeycardFactory.RedirectUri });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("code").GetString()!;
    }
}
