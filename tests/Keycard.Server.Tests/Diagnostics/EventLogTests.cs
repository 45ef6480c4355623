using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Keycard.Core.Security;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.Diagnostics;

/// <summary>
/// The event log operators search (docs/operations.md): each protocol decision writes its stable event id, in the
/// "Keycard" category, naming the client or user and never a secret.
/// </summary>
public sealed class EventLogTests : IDisposable
{
    private readonly CapturingLoggerProvider _logs = new();
    private readonly KeycardFactory _factory;
    private readonly IOfficeClient _api;

    public EventLogTests()
    {
        _factory = new KeycardFactory { Logs = _logs };
        _factory.SeedAsync().GetAwaiter().GetResult();
        _api = new IOfficeClient(_factory.CreateClient());
    }

    [Fact]
    public async Task CodeExchange_Succeeds_Emits2001WithClientAndGrant()
    {
        await _api.SignInAsync();

        Assert.Contains(Events(2001), e => e.Contains("ClientId=spa", StringComparison.Ordinal) && e.Contains("GrantType=authorization_code", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CodeExchange_CodeReplayed_Emits2011()
    {
        var code = await _api.GetCodeAsync();
        (await _api.ExchangeAsync(code)).Dispose();

        using var replay = await _api.ExchangeAsync(code);

        await ResponseAssert.ErrorAsync(replay, HttpStatusCode.BadRequest, "invalid_grant");
        Assert.Contains(Events(2011), e => e.Contains("ClientId=spa", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CodeExchange_CodeExpired_Emits2010()
    {
        var code = await _api.GetCodeAsync();
        _factory.Time.Advance(TimeSpan.FromMinutes(6));

        using var late = await _api.ExchangeAsync(code);

        await ResponseAssert.ErrorAsync(late, HttpStatusCode.BadRequest, "invalid_grant");
        Assert.Single(Events(2010));
    }

    [Fact]
    public async Task CodeExchange_WrongVerifier_Emits2012()
    {
        var verifier = SecureToken.Generate() + "-verifier";
        using var auth = await _api.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, KeycardFactory.PublicClientId,
            extra: new Dictionary<string, string> { ["x-code-challenge"] = Pkce.ComputeChallenge(verifier), ["x-code-challenge-method"] = "S256" });
        var code = (await auth.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();

        using var exchange = await _api.ExchangeAsync(code, extra: new Dictionary<string, string> { ["x-code-verifier"] = verifier + "-wrong" });

        await ResponseAssert.ErrorAsync(exchange, HttpStatusCode.BadRequest, "invalid_grant");
        Assert.Single(Events(2012));
    }

    [Fact]
    public async Task CodeExchange_UnregisteredRedirectUri_Emits2013()
    {
        var code = await _api.GetCodeAsync();

        using var exchange = await _api.ExchangeAsync(code, redirectUri: "https://attacker.example.com/callback");

        await ResponseAssert.ErrorAsync(exchange, HttpStatusCode.BadRequest, "invalid_grant");
        Assert.Single(Events(2013));
    }

    [Fact]
    public async Task Refresh_RotatedTokenReusedAfterGrace_Emits2021()
    {
        var tokens = await _api.SignInAsync();
        (await _api.RefreshAsync(tokens.RefreshToken)).Dispose();
        _factory.Time.Advance(TimeSpan.FromMinutes(1));

        using var reuse = await _api.RefreshAsync(tokens.RefreshToken);

        await ResponseAssert.ErrorAsync(reuse, HttpStatusCode.BadRequest, "invalid_grant");
        Assert.Single(Events(2021));
    }

    [Fact]
    public async Task SignIn_SuccessFailuresThenLock_Emits2101Then2102Then2103()
    {
        await _api.GetCodeAsync();
        for (var i = 0; i < 5; i++)
        {
            (await _api.AuthAsync(KeycardFactory.UserName, "wrong password", KeycardFactory.PublicClientId)).Dispose();
        }

        using var locked = await _api.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, KeycardFactory.PublicClientId);

        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Single(Events(2101));
        Assert.Equal(5, Events(2102).Count);
        Assert.Contains(Events(2103), e => e.Contains("UserName=alice", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Revoke_RefreshToken_Emits2201()
    {
        var tokens = await _api.SignInAsync();

        (await _api.RevokeAsync(tokens.RefreshToken)).Dispose();

        Assert.Contains(Events(2201), e => e.Contains("TokenKind=refresh_token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ClientCredentials_WrongSecret_Emits2002()
    {
        using var response = await _api.ExchangeAsync(null, KeycardFactory.ConfidentialClientId, secret: "not-the-secret",
            extra: new Dictionary<string, string> { ["x-grant-type"] = "client_credentials" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(Events(2002), e => e.Contains("ClientId=webapp", StringComparison.Ordinal));
    }

    public void Dispose() => _factory.Dispose();

    private List<string> Events(int id) => [.. _logs.Entries.Where(e => e.Contains(" Keycard[" + id + "] ", StringComparison.Ordinal))];
}
