using Keycard.Core.Authorization;
using Keycard.Core.Clients;
using Keycard.Core.Consent;
using Keycard.Core.Errors;
using Keycard.Core.OpenIdConnect;
using Keycard.Core.Security;
using Keycard.Core.Tests.Fakes;
using Keycard.Core.Tokens;
using Microsoft.Extensions.Options;

namespace Keycard.Core.Tests.Consent;

/// <summary>
/// The consent step of the sign-in sequence (issue 16): a third-party client gets no code until the user allowed
/// every scope it asks for; what was allowed is remembered per user, client and scopes (the union); prompt=consent
/// always asks, prompt=none answers consent_required (OpenID Connect Core §3.1.2.6), Deny is access_denied
/// (RFC 6749 §4.1.2.1). Revoking ends the consent and the client's tokens for that user.
/// </summary>
public sealed class ConsentStepTests
{
    private const string PartnerId = "partner";
    private const string OtherPartnerId = "other-partner";
    private const string Version = "";
    private const string Issuer = "https://keycard.example.com";

    private readonly CoreHarness _core = new();
    private readonly InMemoryUserDirectory _users = new();
    private readonly InMemorySignInSessionStore _sessions = new();
    private readonly SessionTicket _ticket;
    private readonly AuthorizationService _service;

    public ConsentStepTests()
    {
        foreach (var id in new[] { PartnerId, OtherPartnerId })
        {
            var partner = new Client
            {
                ClientId = id,
                Name = "Partner " + id,
                AppCode = id,
                RedirectUris = [CoreHarness.RedirectUri],
                IsConfidential = true,
                IsThirdParty = true,
                AllowPasswordCodeEndpoint = false,
            };
            _core.Clients.AddAsync(partner, CancellationToken.None).GetAwaiter().GetResult();
        }

        _service = new AuthorizationService(
            new AuthorizationValidator(_core.Clients), _core.ClientAuthenticator, _core.SignIn, _core.Codes, _users, Options.Create(_core.Protocol), _core.Time,
            _sessions, new IdTokenHintReader(_core.SigningKeys), _core.Consent);

        // Alice's browser, signed in an hour ago.
        var now = _core.Time.GetUtcNow();
        var session = new SignInSessionRecord("session-1", FakeUserAuthenticator.UserId, now.AddHours(-1), now.AddHours(7));
        _sessions.AddAsync(session, CancellationToken.None).GetAwaiter().GetResult();
        _ticket = new SessionTicket(session.Id, FakeUserAuthenticator.UserId, Version);
    }

    [Fact]
    public async Task SignIn_FirstPartyClient_IssuesTheCodeWithoutAsking()
    {
        var validation = await ValidateAsync(Request() with { ClientId = CoreHarness.ConfidentialClientId });

        var result = await _service.SignInAsync(validation, FakeUserAuthenticator.UserName, FakeUserAuthenticator.Password, null, CancellationToken.None);

        Assert.True(result.IsSuccess, result.Error?.Description);
        Assert.Null(result.Value.Consent);
        Assert.NotNull(result.Value.Code);
    }

    [Fact]
    public async Task SignIn_ThirdPartyClientNotYetAllowed_AsksForEveryScopeAndIssuesNoCode()
    {
        var validation = await ValidateAsync(Request() with { Scope = "openid email reports:read" });

        var result = await _service.SignInAsync(validation, FakeUserAuthenticator.UserName, FakeUserAuthenticator.Password, null, CancellationToken.None);

        Assert.True(result.IsSuccess, result.Error?.Description);
        Assert.Null(result.Value.Code);
        var consent = Assert.IsType<ConsentRequest>(result.Value.Consent);
        Assert.Equal(PartnerId, consent.Client.ClientId);
        Assert.Equal(["openid", "email", "reports:read"], consent.Scopes.Select(s => s.Scope));
        Assert.NotNull(consent.Scopes[1].Description);

        // A scope Keycard has no words for is still listed, by its name.
        Assert.Null(consent.Scopes[2].Description);
        Assert.Empty(_core.Tokens.All);
    }

    [Fact]
    public async Task DecideConsent_Allow_RemembersTheScopesAndIssuesTheCode()
    {
        var validation = await ValidateAsync(Request() with { Scope = "openid email" });

        var result = await DecideAsync(validation, allow: true);

        Assert.True(result.IsSuccess, result.Error?.Description);
        var code = await StoredAsync(result.Value.Code!.Code);
        Assert.Equal(PartnerId, code.ClientId);
        Assert.Equal("openid email", code.Scope);
        var stored = await _core.Consents.FindAsync(FakeUserAuthenticator.UserId, PartnerId, CancellationToken.None);
        Assert.Equal(["openid", "email"], stored!.Scopes);
    }

    [Fact]
    public async Task Continue_EveryScopeAllowedBefore_IssuesTheCodeWithoutAsking()
    {
        await DecideAsync(await ValidateAsync(Request() with { Scope = "openid email" }), allow: true);

        var result = await ResumeAsync(Request() with { Scope = "email" });

        Assert.Null(result.Value!.Consent);
        Assert.NotNull(result.Value.Code);
    }

    [Fact]
    public async Task Continue_ScopeNotAllowedBefore_AsksAgainAndAllowingStoresTheUnion()
    {
        await DecideAsync(await ValidateAsync(Request() with { Scope = "openid email" }), allow: true);

        var asked = await ResumeAsync(Request() with { Scope = "email profile" });
        Assert.NotNull(asked.Value!.Consent);
        Assert.Null(asked.Value.Code);

        await DecideAsync(await ValidateAsync(Request() with { Scope = "email profile" }), allow: true);

        var stored = await _core.Consents.FindAsync(FakeUserAuthenticator.UserId, PartnerId, CancellationToken.None);
        Assert.Equal(["openid", "email", "profile"], stored!.Scopes);
        Assert.Null((await ResumeAsync(Request() with { Scope = "openid profile" })).Value!.Consent);
    }

    [Fact]
    public async Task Continue_ConsentToAnotherClient_DoesNotCoverThisOne()
    {
        await DecideAsync(await ValidateAsync(Request() with { ClientId = OtherPartnerId }), allow: true);

        Assert.NotNull((await ResumeAsync(Request())).Value!.Consent);
    }

    [Fact]
    public async Task Continue_PromptConsent_AsksEvenWhenEveryScopeWasAllowed()
    {
        await DecideAsync(await ValidateAsync(Request()), allow: true);

        var result = await ResumeAsync(Request() with { Prompt = "consent" });

        Assert.NotNull(result.Value!.Consent);
        Assert.Null(result.Value.Code);
    }

    [Fact]
    public async Task Continue_PromptNoneAndConsentNeeded_IsConsentRequiredAndNoPage()
    {
        var result = await ResumeAsync(Request() with { Prompt = "none" });

        // OpenID Connect Core §3.1.2.6: prompt=none must not show the consent page.
        Assert.Equal(Keycard.Core.OpenIdConnect.OpenIdErrorCodes.ConsentRequired, result.Error?.Code);
        Assert.Empty(_core.Tokens.All);
    }

    [Fact]
    public async Task Continue_PromptNoneAndConsentGiven_IssuesTheCode()
    {
        await DecideAsync(await ValidateAsync(Request()), allow: true);

        var result = await ResumeAsync(Request() with { Prompt = "none" });

        Assert.True(result.IsSuccess, result.Error?.Description);
        Assert.NotNull(result.Value.Code);
    }

    [Fact]
    public async Task Continue_FirstPartyClientWithPromptNone_NeedsNoConsent()
    {
        var result = await ResumeAsync(Request() with { ClientId = CoreHarness.ConfidentialClientId, Prompt = "none" });

        Assert.True(result.IsSuccess, result.Error?.Description);
        Assert.NotNull(result.Value.Code);
    }

    [Fact]
    public async Task DecideConsent_Deny_IsAccessDeniedStoresNothingAndIssuesNoCode()
    {
        var result = await DecideAsync(await ValidateAsync(Request()), allow: false);

        // RFC 6749 §4.1.2.1: "access_denied: The resource owner or authorization server denied the request."
        Assert.Equal(OAuthErrorCodes.AccessDenied, result.Error?.Code);
        Assert.Null(await _core.Consents.FindAsync(FakeUserAuthenticator.UserId, PartnerId, CancellationToken.None));
        Assert.Empty(_core.Tokens.All);
    }

    [Fact]
    public async Task DecideConsent_SessionNoLongerHolds_DecidesNothing()
    {
        var validation = await ValidateAsync(Request());

        var result = await _service.DecideConsentAsync(validation, _ticket with { UserVersion = "an older version" }, allow: true, CancellationToken.None);

        Assert.Null(result);
        Assert.Null(await _core.Consents.FindAsync(FakeUserAuthenticator.UserId, PartnerId, CancellationToken.None));
    }

    [Fact]
    public async Task Revoke_AfterConsent_EndsItAndRevokesThatClientsTokensForTheUserOnly()
    {
        var partnerCode = (await DecideAsync(await ValidateAsync(Request()), allow: true)).Value!.Code!.Code;
        var otherCode = (await DecideAsync(await ValidateAsync(Request() with { ClientId = OtherPartnerId }), allow: true)).Value!.Code!.Code;

        var revoked = await _core.Consent.RevokeAsync(FakeUserAuthenticator.UserId, PartnerId, CancellationToken.None);

        Assert.Equal([PartnerId], revoked.ClientIds);
        Assert.Equal(1, revoked.TokensRevoked);
        Assert.NotNull((await StoredAsync(partnerCode)).RevokedAt);
        Assert.Null((await StoredAsync(otherCode)).RevokedAt);
        Assert.NotNull((await ResumeAsync(Request())).Value!.Consent);
        Assert.Null((await ResumeAsync(Request() with { ClientId = OtherPartnerId })).Value!.Consent);
    }

    [Fact]
    public async Task PasswordCode_ThirdPartyClient_IsUnauthorizedClient()
    {
        // Registered with the endpoint allowed (as an older row might be): a third-party client is still refused.
        var partner = new Client
        {
            ClientId = "legacy-partner",
            Name = "Legacy partner",
            AppCode = "legacy-partner",
            RedirectUris = [CoreHarness.RedirectUri],
            IsThirdParty = true,
        };
        await _core.Clients.AddAsync(partner, CancellationToken.None);

        var result = await _service.IssuePasswordCodeAsync(
            new PasswordCodeRequest { ClientId = partner.ClientId, UserName = FakeUserAuthenticator.UserName, Password = FakeUserAuthenticator.Password },
            CancellationToken.None);

        // RFC 9700 §2.4, and no page on which the user could consent.
        Assert.Equal(OAuthErrorCodes.UnauthorizedClient, result.Error?.Code);
        Assert.Equal(0, _core.Users.Checks);
    }

    private static AuthorizationRequest Request() => new()
    {
        ResponseType = "code",
        ClientId = PartnerId,
        RedirectUri = CoreHarness.RedirectUri,
        Scope = "email",
        State = "xyz",
    };

    private Task<AuthorizationValidation> ValidateAsync(AuthorizationRequest request) =>
        _service.ValidateAsync(request, AuthorizationPolicy.Standard, CancellationToken.None);

    private async Task<Result<AuthorizationResponse>> ResumeAsync(AuthorizationRequest request)
    {
        var validation = await ValidateAsync(request);
        Assert.True(validation.IsValid, validation.Error?.Description);
        var outcome = await _service.ContinueAsync(validation, _ticket, Issuer, CancellationToken.None);
        Assert.False(outcome.ShowSignIn, "The live session should answer without the form.");
        return outcome.Error is { } error ? error : outcome.Response!;
    }

    private async Task<Result<AuthorizationResponse>> DecideAsync(AuthorizationValidation validation, bool allow)
    {
        Assert.True(validation.IsValid, validation.Error?.Description);
        var result = await _service.DecideConsentAsync(validation, _ticket, allow, CancellationToken.None);
        Assert.NotNull(result);
        return result.Value;
    }

    private async Task<StoredToken> StoredAsync(string code) =>
        (await _core.Tokens.FindAsync(SecureToken.StorageKey(code), CancellationToken.None))!;
}
