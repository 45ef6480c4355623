using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Keycard.Core.Security;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.Security;

/// <summary>Codes are single use, bound to what they were issued for, and burned by a wrong PKCE verifier.</summary>
public sealed class AuthorizationCodeSecurityTests : IAsyncLifetime
{
    private readonly KeycardFactory _factory = new();
    private IOfficeClient _api = null!;
    private LoginPageClient _page = null!;

    public async Task InitializeAsync()
    {
        await _factory.SeedAsync();
        _api = new IOfficeClient(_factory.CreateClient());
        _page = LoginPageClient.Create(_factory);
    }

    public Task DisposeAsync()
    {
        _factory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Exchange_LoginPageCodeRedeemedTwice_SecondIsInvalidGrantAndEveryIssuedTokenIsRevoked()
    {
        using var signIn = await _page.SignInAsync(LoginPageClient.DefaultQuery());
        var code = LoginPageClient.CodeFrom(signIn);
        using var first = await _api.ExchangeAsync(code);
        var tokens = await TokenSet.ReadAsync(first);
        using var rotated = await _api.RefreshAsync(tokens.RefreshToken);
        var rotatedTokens = await TokenSet.ReadAsync(rotated);

        using var replay = await _api.ExchangeAsync(code);

        // RFC 6749 §4.1.2 and RFC 9700 §4.5: the replay fails and revokes everything issued from the code.
        await ResponseAssert.ErrorAsync(replay, HttpStatusCode.BadRequest, "invalid_grant");
        foreach (var access in new[] { tokens.AccessToken, rotatedTokens.AccessToken })
        {
            using var me = await _api.MeAsync(access);
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }

        using var refresh = await _api.RefreshAsync(rotatedTokens.RefreshToken);
        await ResponseAssert.ErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_WrongPkceVerifier_BurnsTheCode()
    {
        var verifier = SecureToken.Generate() + "-verifier";
        var challenge = Pkce.ComputeChallenge(verifier);
        using var auth = await _api.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, KeycardFactory.PublicClientId,
            extra: new Dictionary<string, string> { ["x-code-challenge"] = challenge });
        var code = (await auth.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();

        using var wrong = await _api.ExchangeAsync(code, extra: new Dictionary<string, string> { ["x-code-verifier"] = SecureToken.Generate() + "-guess" });
        using var right = await _api.ExchangeAsync(code, extra: new Dictionary<string, string> { ["x-code-verifier"] = verifier });

        await ResponseAssert.ErrorAsync(wrong, HttpStatusCode.BadRequest, "invalid_grant");
        await ResponseAssert.ErrorAsync(right, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_MismatchedRedirectScopeOrClient_IsRefusedAndTheBoundRequestStillWorks()
    {
        var verifier = SecureToken.Generate() + "-verifier";
        var query = LoginPageClient.DefaultQuery() + "&code_challenge=" + Pkce.ComputeChallenge(verifier) + "&code_challenge_method=S256";
        using var signIn = await _page.SignInAsync(query);
        var code = LoginPageClient.CodeFrom(signIn);
        var pkce = new Dictionary<string, string> { ["x-code-verifier"] = verifier };

        using var otherRedirect = await _api.ExchangeAsync(code, redirectUri: "https://app.example.com/elsewhere", extra: pkce);
        using var otherScope = await _api.ExchangeAsync(code, scope: "email admin", extra: pkce);
        using var otherClient = await _api.ExchangeAsync(code, KeycardFactory.ConfidentialClientId, secret: _factory.ConfidentialSecret, extra: pkce);
        using var bound = await _api.ExchangeAsync(code, extra: pkce);

        await ResponseAssert.ErrorAsync(otherRedirect, HttpStatusCode.BadRequest, "invalid_grant");
        await ResponseAssert.ErrorAsync(otherScope, HttpStatusCode.BadRequest, "invalid_grant");
        await ResponseAssert.ErrorAsync(otherClient, HttpStatusCode.BadRequest, "invalid_grant");
        Assert.Equal(HttpStatusCode.OK, bound.StatusCode);
    }

    [Fact]
    public async Task Exchange_CodeWithChallengeButNoVerifier_IsInvalidGrant()
    {
        var verifier = SecureToken.Generate() + "-verifier";
        var query = LoginPageClient.DefaultQuery() + "&code_challenge=" + Pkce.ComputeChallenge(verifier) + "&code_challenge_method=S256";
        using var signIn = await _page.SignInAsync(query);

        using var response = await _api.ExchangeAsync(LoginPageClient.CodeFrom(signIn));

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }
}
