using Keycard.Core.Authorization;
using Keycard.Core.Clients;
using Keycard.Core.Errors;
using Keycard.Core.OpenIdConnect;
using Keycard.Core.Security;
using Keycard.Core.Storage;
using Keycard.Core.Tests.Fakes;
using Keycard.Core.Tokens;
using Keycard.Core.Users;
using Microsoft.Extensions.Options;

namespace Keycard.Core.Tests.Authorization;

/// <summary>
/// The sign-in sequence every code comes from (RFC 6749 §4.1): which errors may go back to the client (§4.1.2.1),
/// what a code is bound to (§4.1.3), sign-in sessions, PKCE for clients that require it (RFC 7636 §4.4.1), and the
/// iOFFICE password code endpoint. Specified here once; the endpoints only read and write these.
/// </summary>
public sealed class AuthorizationServiceTests
{
    private const string Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    private readonly CoreHarness _core;
    private readonly UserDirectory _users = new();
    private readonly InMemorySignInSessionStore _sessions = new();
    private readonly AuthorizationService _service;

    public AuthorizationServiceTests()
    {
        var strict = new Client { ClientId = "strict", Name = "Strict", AppCode = "strict", RedirectUris = [CoreHarness.RedirectUri], RequirePkce = true };
        var closed = new Client { ClientId = "closed", Name = "Closed", AppCode = "closed", RedirectUris = [CoreHarness.RedirectUri], AllowPasswordCodeEndpoint = false };
        var single = new Client { ClientId = "single", Name = "Single", AppCode = "single", RedirectUris = [CoreHarness.RedirectUri], AllowedScopes = ["email"] };
        _core = new CoreHarness();
        _core.Clients.AddAsync(strict, CancellationToken.None).GetAwaiter().GetResult();
        _core.Clients.AddAsync(closed, CancellationToken.None).GetAwaiter().GetResult();
        _core.Clients.AddAsync(single, CancellationToken.None).GetAwaiter().GetResult();
        _service = new AuthorizationService(
            new AuthorizationValidator(_core.Clients), _core.ClientAuthenticator, _core.SignIn, _core.Codes, _users, Options.Create(_core.Protocol), _core.Time, _sessions, new IdTokenHintReader(_core.SigningKeys), _core.Consent);
    }

    // ---- Validation: what goes back to the client (RFC 6749 §4.1.2.1) ----

    [Theory]
    [InlineData(null, CoreHarness.RedirectUri, "client_id")]
    [InlineData("nobody", CoreHarness.RedirectUri, "client_id")]
    [InlineData(CoreHarness.PublicClientId, "https://evil.example.com/callback", "redirect_uri")]
    [InlineData(CoreHarness.PublicClientId, null, "redirect_uri")]
    public async Task Validate_UntrustedClientOrRedirectUri_IsNeverRedirected(string? clientId, string? redirectUri, string parameter)
    {
        // The public test client registers two redirect URIs, so omitting it is ambiguous (RFC 6749 §3.1.2.3).
        var validation = await ValidateAsync(Request() with { ClientId = clientId, RedirectUri = redirectUri }, AuthorizationPolicy.Standard);

        Assert.Equal(OAuthErrorCodes.InvalidRequest, validation.Error?.Code);
        Assert.Equal(parameter, validation.Parameter);
        Assert.False(validation.CanRedirect);
    }

    [Theory]
    [InlineData("token", OAuthErrorCodes.UnsupportedResponseType)]
    [InlineData(null, OAuthErrorCodes.InvalidRequest)]
    public async Task Validate_BadResponseTypeOnTheStandardDialect_IsRedirected(string? responseType, string error)
    {
        var validation = await ValidateAsync(Request() with { ResponseType = responseType }, AuthorizationPolicy.Standard);

        Assert.Equal(error, validation.Error?.Code);
        Assert.True(validation.CanRedirect);
        Assert.Equal(CoreHarness.RedirectUri, validation.RedirectUri);
    }

    [Fact]
    public async Task Validate_UnsupportedResponseTypeOnTheGuidesPage_IsRedirected()
    {
        var validation = await ValidateAsync(Request() with { ResponseType = "token" }, AuthorizationPolicy.IOffice);

        Assert.Equal(OAuthErrorCodes.UnsupportedResponseType, validation.Error?.Code);
        Assert.True(validation.CanRedirect);
    }

    [Theory]
    [InlineData("response_type")]
    [InlineData("scope")]
    [InlineData("state")]
    public async Task Validate_OneOfTheGuidesFiveParametersMissing_IsShownNotRedirected(string missing)
    {
        var request = missing switch
        {
            "response_type" => Request() with { ResponseType = null },
            "scope" => Request() with { Scope = null },
            _ => Request() with { State = null },
        };

        var validation = await ValidateAsync(request, AuthorizationPolicy.IOffice);

        Assert.Equal(missing, validation.Parameter);
        Assert.False(validation.CanRedirect);
    }

    [Fact]
    public async Task Validate_UnreadableParameter_IsRedirectedWithTheState()
    {
        // A parameter sent twice or too long (RFC 6749 §3.1): the dialect could not read it, the client is still known.
        var unreadable = ProtocolError.InvalidRequest("The parameter 'scope' was sent more than once.");

        var validation = await ValidateAsync(Request() with { UnreadableParameter = unreadable }, AuthorizationPolicy.IOffice);

        Assert.Same(unreadable, validation.Error);
        Assert.True(validation.CanRedirect);
        Assert.Equal("xyz", validation.Request.State);
    }

    [Fact]
    public async Task Validate_StateTooLong_IsRedirectedWithoutEchoingIt()
    {
        var validation = await ValidateAsync(Request() with { State = new string('s', AuthorizationValidator.MaxStateLength + 1) }, AuthorizationPolicy.Standard);

        Assert.Equal(OAuthErrorCodes.InvalidRequest, validation.Error?.Code);
        Assert.True(validation.CanRedirect);
        Assert.Null(validation.Request.State);
    }

    [Fact]
    public async Task Validate_ScopeTheClientMayNotRequest_IsRedirectedInvalidScope()
    {
        var validation = await ValidateAsync(Request() with { ClientId = "single", Scope = "admin" }, AuthorizationPolicy.IOffice);

        Assert.Equal(OAuthErrorCodes.InvalidScope, validation.Error?.Code);
        Assert.True(validation.CanRedirect);
    }

    [Theory]
    [InlineData("plain", Challenge)]
    [InlineData("S256", Challenge + Challenge + Challenge)]
    [InlineData(null, Challenge)]
    public async Task Validate_InvalidChallengeOrMethod_IsRedirectedInvalidRequest(string? method, string challenge)
    {
        var validation = await ValidateAsync(Request() with { CodeChallenge = challenge, CodeChallengeMethod = method }, AuthorizationPolicy.IOffice);

        Assert.Equal(OAuthErrorCodes.InvalidRequest, validation.Error?.Code);
        Assert.True(validation.CanRedirect);
    }

    [Fact]
    public async Task Validate_PublicClientWithoutPkce_IsRefusedOnTheStandardDialectOnly()
    {
        var standard = await ValidateAsync(Request(), AuthorizationPolicy.Standard);
        var guide = await ValidateAsync(Request(), AuthorizationPolicy.IOffice);

        // RFC 9700 §2.1.1 / OAuth 2.1: public clients use PKCE; the guide's page predates it.
        Assert.Equal("code_challenge", standard.Parameter);
        Assert.True(guide.IsValid);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Validate_ClientRegisteredToRequirePkceWithoutIt_IsRefusedInBothDialects(bool guide)
    {
        var validation = await ValidateAsync(Request() with { ClientId = "strict" }, guide ? AuthorizationPolicy.IOffice : AuthorizationPolicy.Standard);

        Assert.Equal("code_challenge", validation.Parameter);
        Assert.True(validation.CanRedirect);
    }

    // ---- Signing in and the code's bindings (RFC 6749 §4.1.3) ----

    [Fact]
    public async Task SignIn_RightPassword_IssuesACodeBoundToClientRedirectUriScopeAndChallenge()
    {
        var validation = await ValidateAsync(Request() with { CodeChallenge = Challenge, CodeChallengeMethod = Pkce.S256 }, AuthorizationPolicy.Standard);

        var result = await _service.SignInAsync(validation, FakeUserAuthenticator.UserName, FakeUserAuthenticator.Password, "192.0.2.1", CancellationToken.None);

        Assert.True(result.IsSuccess, result.Error?.Description);
        Assert.Equal(CoreHarness.RedirectUri, result.Value!.RedirectUri);
        Assert.Equal("xyz", result.Value.State);
        Assert.Equal(FakeUserAuthenticator.UserId, result.Value.User.Id);
        var code = await StoredCodeAsync(result.Value!.Code!.Code);
        Assert.Equal(CoreHarness.PublicClientId, code.ClientId);
        Assert.Equal(FakeUserAuthenticator.UserId, code.UserId);
        Assert.Equal(CoreHarness.RedirectUri, code.RedirectUri);
        Assert.Equal("email", code.Scope);
        Assert.False(code.ScopeOpen);
        Assert.Equal(Challenge, code.CodeChallenge);
    }

    [Fact]
    public async Task SignIn_RedirectUriOmitted_BindsNoneSoTheTokenRequestNeedNotRepeatIt()
    {
        var validation = await ValidateAsync(Request() with { ClientId = "single", RedirectUri = null, CodeChallenge = Challenge, CodeChallengeMethod = Pkce.S256 }, AuthorizationPolicy.Standard);

        var result = await _service.SignInAsync(validation, FakeUserAuthenticator.UserName, FakeUserAuthenticator.Password, "192.0.2.1", CancellationToken.None);

        // RFC 6749 §4.1.3: redirect_uri is required at the token endpoint only if the authorization request had it.
        Assert.Equal(CoreHarness.RedirectUri, result.Value!.RedirectUri);
        Assert.Null((await StoredCodeAsync(result.Value!.Code!.Code)).RedirectUri);
    }

    [Fact]
    public async Task SignIn_ScopeOmitted_BindsTheEmptyScopeSoTheTokenRequestCannotWidenIt()
    {
        var validation = await ValidateAsync(Request() with { ClientId = "single", Scope = null, CodeChallenge = Challenge, CodeChallengeMethod = Pkce.S256 }, AuthorizationPolicy.Standard);

        var result = await _service.SignInAsync(validation, FakeUserAuthenticator.UserName, FakeUserAuthenticator.Password, "192.0.2.1", CancellationToken.None);

        var code = await StoredCodeAsync(result.Value!.Code!.Code);
        Assert.Equal("", code.Scope);
        Assert.False(code.ScopeOpen);
    }

    [Fact]
    public async Task SignIn_WrongPassword_IsInvalidGrantAndIssuesNoCode()
    {
        var validation = await ValidateAsync(Request(), AuthorizationPolicy.IOffice);

        var result = await _service.SignInAsync(validation, FakeUserAuthenticator.UserName, "wrong", "192.0.2.1", CancellationToken.None);

        Assert.Equal(OAuthErrorCodes.InvalidGrant, result.Error?.Code);
        Assert.Empty(_core.Tokens.All);
    }

    [Fact]
    public async Task SignIn_InvalidRequest_IsAProgrammingError()
    {
        var validation = await ValidateAsync(Request() with { ClientId = "nobody" }, AuthorizationPolicy.IOffice);

        await Assert.ThrowsAsync<ArgumentException>(() =>
            _service.SignInAsync(validation, FakeUserAuthenticator.UserName, FakeUserAuthenticator.Password, "192.0.2.1", CancellationToken.None));
        Assert.Equal(0, _core.Users.Checks);
    }

    // ---- Sign-in sessions ----

    [Fact]
    public async Task SignIn_RightPassword_StartsASessionWhoseIdAndAuthTimeTheCodeCarries()
    {
        var validation = await ValidateAsync(OpenIdRequest(), AuthorizationPolicy.Standard);

        var result = await _service.SignInAsync(validation, FakeUserAuthenticator.UserName, FakeUserAuthenticator.Password, "192.0.2.1", CancellationToken.None);

        var session = Assert.Single(_sessions.All.Values);
        Assert.Equal(session.Id, result.Value!.SessionId);
        Assert.Equal(FakeUserAuthenticator.UserId, session.UserId);
        Assert.Equal(_core.Time.GetUtcNow() + _core.Protocol.SessionLifetime, session.ExpiresAt);
        var code = await StoredCodeAsync(result.Value.Code!.Code);
        Assert.Equal(session.Id, code.SessionId);
        Assert.Equal(_core.Time.GetUtcNow(), code.AuthTime);
        Assert.Equal("n-1", code.Nonce);
    }

    [Fact]
    public async Task Continue_LiveSession_IssuesACodeWithoutAPasswordCarryingTheSessionsAuthTime()
    {
        var ticket = await SignedInTicketAsync();
        _core.Time.Advance(TimeSpan.FromMinutes(30));
        var validation = await ValidateAsync(OpenIdRequest(), AuthorizationPolicy.Standard);
        var checks = _core.Users.Checks;

        var outcome = await _service.ContinueAsync(validation, ticket, Issuer, CancellationToken.None);

        Assert.NotNull(outcome.Response);
        Assert.Equal(checks, _core.Users.Checks);
        var code = await StoredCodeAsync(outcome.Response.Code!.Code);
        Assert.Equal(ticket.SessionId, code.SessionId);
        Assert.Equal(_core.Time.GetUtcNow().AddMinutes(-30), code.AuthTime);
    }

    [Fact]
    public async Task Continue_NoCookie_ShowsTheFormPrefilledWithTheLoginHint()
    {
        var validation = await ValidateAsync(OpenIdRequest() with { LoginHint = "alice" }, AuthorizationPolicy.Standard);

        var outcome = await _service.ContinueAsync(validation, null, Issuer, CancellationToken.None);

        Assert.True(outcome.ShowSignIn);
        Assert.Equal("alice", outcome.LoginHint);
    }

    [Theory]
    [InlineData("changed", false)]
    [InlineData(UserDirectory.Version, true)]
    public async Task Continue_UserChangedOrDisabled_ShowsTheFormAndIssuesNothing(string version, bool disabled)
    {
        var ticket = await SignedInTicketAsync() with { UserVersion = version };
        _users.Disabled = disabled;
        var before = _core.Tokens.All.Count;
        var validation = await ValidateAsync(OpenIdRequest(), AuthorizationPolicy.Standard);

        var outcome = await _service.ContinueAsync(validation, ticket, Issuer, CancellationToken.None);

        Assert.True(outcome.ShowSignIn);
        Assert.Equal(before, _core.Tokens.All.Count);
    }

    [Fact]
    public async Task Continue_SessionEndedOrExpired_ShowsTheForm()
    {
        var ended = await SignedInTicketAsync();
        await _sessions.EndAsync(ended.SessionId, _core.Time.GetUtcNow(), CancellationToken.None);
        var validation = await ValidateAsync(OpenIdRequest(), AuthorizationPolicy.Standard);

        Assert.True((await _service.ContinueAsync(validation, ended, Issuer, CancellationToken.None)).ShowSignIn);

        var expired = await SignedInTicketAsync();
        _core.Time.Advance(_core.Protocol.SessionLifetime);
        Assert.True((await _service.ContinueAsync(validation, expired, Issuer, CancellationToken.None)).ShowSignIn);
    }

    [Theory]
    [InlineData("login", null)]
    [InlineData("select_account", null)]
    [InlineData(null, "0")]
    [InlineData(null, "60")]
    public async Task Continue_PromptLoginOrMaxAgeExceeded_AsksForThePasswordAgain(string? prompt, string? maxAge)
    {
        var ticket = await SignedInTicketAsync();
        _core.Time.Advance(TimeSpan.FromSeconds(61));
        var validation = await ValidateAsync(OpenIdRequest() with { Prompt = prompt, MaxAge = maxAge }, AuthorizationPolicy.Standard);

        var outcome = await _service.ContinueAsync(validation, ticket, Issuer, CancellationToken.None);

        // OpenID Connect Core §3.1.2.1: prompt=login and max_age force a fresh password; max_age=0 always does.
        Assert.True(outcome.ShowSignIn);
    }

    [Fact]
    public async Task Continue_MaxAgeNotExceeded_UsesTheSession()
    {
        var ticket = await SignedInTicketAsync();
        _core.Time.Advance(TimeSpan.FromSeconds(59));
        var validation = await ValidateAsync(OpenIdRequest() with { MaxAge = "60" }, AuthorizationPolicy.Standard);

        Assert.NotNull((await _service.ContinueAsync(validation, ticket, Issuer, CancellationToken.None)).Response);
    }

    [Fact]
    public async Task Continue_PromptNoneWithoutSession_IsLoginRequiredForTheClient()
    {
        var validation = await ValidateAsync(OpenIdRequest() with { Prompt = "none" }, AuthorizationPolicy.Standard);

        var outcome = await _service.ContinueAsync(validation, null, Issuer, CancellationToken.None);

        // Core §3.1.2.6: prompt=none never shows a page.
        Assert.Equal(OpenIdErrorCodes.LoginRequired, outcome.Error?.Code);
        Assert.Null(outcome.Response);
    }

    [Fact]
    public async Task Continue_PromptNoneWithSession_IssuesTheCode()
    {
        var ticket = await SignedInTicketAsync();
        var validation = await ValidateAsync(OpenIdRequest() with { Prompt = "none" }, AuthorizationPolicy.Standard);

        Assert.NotNull((await _service.ContinueAsync(validation, ticket, Issuer, CancellationToken.None)).Response);
    }

    [Fact]
    public async Task Continue_IdTokenHintForAnotherUserUnderPromptNone_IsLoginRequired()
    {
        var ticket = await SignedInTicketAsync();
        var hint = await HintAsync(userId: 99);
        var validation = await ValidateAsync(OpenIdRequest() with { Prompt = "none", IdTokenHint = hint }, AuthorizationPolicy.Standard);

        var outcome = await _service.ContinueAsync(validation, ticket, Issuer, CancellationToken.None);

        Assert.Equal(OpenIdErrorCodes.LoginRequired, outcome.Error?.Code);
    }

    [Fact]
    public async Task Continue_ExpiredIdTokenHintForTheSessionsUser_IsAccepted()
    {
        var ticket = await SignedInTicketAsync();
        var hint = await HintAsync(FakeUserAuthenticator.UserId);
        _core.Time.Advance(TimeSpan.FromHours(3));
        var validation = await ValidateAsync(OpenIdRequest() with { Prompt = "none", IdTokenHint = hint }, AuthorizationPolicy.Standard);

        // Core §3.1.2.1: the hint's expiry does not matter; it only names the user.
        Assert.NotNull((await _service.ContinueAsync(validation, ticket, Issuer, CancellationToken.None)).Response);
    }

    [Fact]
    public async Task Continue_IdTokenHintFromAnotherIssuer_IsInvalidRequest()
    {
        var hint = await HintAsync(FakeUserAuthenticator.UserId, issuer: "https://evil.example.com");
        var validation = await ValidateAsync(OpenIdRequest() with { IdTokenHint = hint }, AuthorizationPolicy.Standard);

        var outcome = await _service.ContinueAsync(validation, null, Issuer, CancellationToken.None);

        Assert.Equal(OAuthErrorCodes.InvalidRequest, outcome.Error?.Code);
    }

    [Theory]
    [InlineData("none login")]
    [InlineData("none consent")]
    public async Task Validate_PromptNoneWithAnotherValue_IsRedirectedInvalidRequest(string prompt)
    {
        var validation = await ValidateAsync(OpenIdRequest() with { Prompt = prompt }, AuthorizationPolicy.Standard);

        Assert.Equal(OAuthErrorCodes.InvalidRequest, validation.Error?.Code);
        Assert.Equal("prompt", validation.Parameter);
        Assert.True(validation.CanRedirect);
    }

    [Theory]
    [InlineData("query")]
    [InlineData("fragment")]
    [InlineData("form_post")]
    public async Task Validate_SupportedResponseMode_IsKeptForEveryAnswer(string mode)
    {
        var validation = await ValidateAsync(OpenIdRequest() with { ResponseMode = mode }, AuthorizationPolicy.Standard);

        Assert.True(validation.IsValid, validation.Error?.Description);
        Assert.Equal(mode, validation.ResponseMode);
    }

    [Fact]
    public async Task Validate_SupportedResponseMode_IsKeptOnALaterError()
    {
        // Errors after the response mode is known go back in that mode (Form Post Response Mode §2).
        var validation = await ValidateAsync(Request() with { ResponseMode = "form_post", ResponseType = "token" }, AuthorizationPolicy.Standard);

        Assert.Equal(OAuthErrorCodes.UnsupportedResponseType, validation.Error?.Code);
        Assert.Equal("form_post", validation.ResponseMode);
    }

    [Theory]
    [InlineData("web_message")]
    [InlineData("Form_Post")]
    [InlineData("")]
    public async Task Validate_UnsupportedResponseMode_IsRedirectedInvalidRequestInTheDefaultMode(string mode)
    {
        var validation = await ValidateAsync(Request() with { ResponseMode = mode }, AuthorizationPolicy.Standard);

        Assert.Equal(OAuthErrorCodes.InvalidRequest, validation.Error?.Code);
        Assert.Equal("response_mode", validation.Parameter);
        Assert.True(validation.CanRedirect);
        Assert.Null(validation.ResponseMode);
    }

    [Fact]
    public async Task Validate_ResponseModeOnTheGuidesPage_IsIgnored()
    {
        var validation = await ValidateAsync(Request() with { ResponseMode = "web_message" }, AuthorizationPolicy.IOffice);

        Assert.True(validation.IsValid, validation.Error?.Description);
        Assert.Null(validation.ResponseMode);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("soon")]
    [InlineData("1.5")]
    public async Task Validate_MalformedMaxAge_IsInvalidRequest(string maxAge)
    {
        var validation = await ValidateAsync(OpenIdRequest() with { MaxAge = maxAge }, AuthorizationPolicy.Standard);

        Assert.Equal("max_age", validation.Parameter);
    }

    [Fact]
    public async Task Validate_RequestObjectRequestUriOrRegistration_AreTheirNotSupportedErrors()
    {
        // OpenID Connect Core §6 and §7.2.1 error codes.
        Assert.Equal(OpenIdErrorCodes.RequestNotSupported, (await ValidateAsync(OpenIdRequest() with { HasRequestObject = true }, AuthorizationPolicy.Standard)).Error?.Code);
        Assert.Equal(OpenIdErrorCodes.RequestUriNotSupported, (await ValidateAsync(OpenIdRequest() with { HasRequestUri = true }, AuthorizationPolicy.Standard)).Error?.Code);
        Assert.Equal(OpenIdErrorCodes.RegistrationNotSupported, (await ValidateAsync(OpenIdRequest() with { HasRegistration = true }, AuthorizationPolicy.Standard)).Error?.Code);
    }

    [Fact]
    public async Task Validate_OpenIdParametersOnTheIOfficeDialect_AreIgnored()
    {
        var validation = await ValidateAsync(Request() with { Prompt = "none login", HasRequestObject = true }, AuthorizationPolicy.IOffice);

        Assert.True(validation.IsValid);
    }

    private const string Issuer = "https://auth.example.com";

    private static AuthorizationRequest OpenIdRequest() =>
        Request() with { Scope = "openid email", CodeChallenge = Challenge, CodeChallengeMethod = Pkce.S256, Nonce = "n-1" };

    private async Task<SessionTicket> SignedInTicketAsync()
    {
        var validation = await ValidateAsync(OpenIdRequest(), AuthorizationPolicy.Standard);
        var result = await _service.SignInAsync(validation, FakeUserAuthenticator.UserName, FakeUserAuthenticator.Password, "192.0.2.1", CancellationToken.None);
        Assert.True(result.IsSuccess, result.Error?.Description);
        return new SessionTicket(result.Value!.SessionId!, FakeUserAuthenticator.UserId, UserDirectory.Version);
    }

    private async Task<string> HintAsync(int userId, string issuer = Issuer) =>
        await _core.IdTokens.CreateAsync(new IdTokenDescriptor
        {
            Issuer = issuer,
            ClientId = CoreHarness.PublicClientId,
            UserId = userId,
            AuthTime = _core.Time.GetUtcNow(),
            IssuedAt = _core.Time.GetUtcNow(),
            Lifetime = TimeSpan.FromHours(1),
        }, CancellationToken.None);

    // ---- The iOFFICE password code endpoint ----

    [Fact]
    public async Task PasswordCode_NoRedirectUriOrScope_LeavesBothToTheTokenRequest()
    {
        var result = await _service.IssuePasswordCodeAsync(PasswordRequest(), CancellationToken.None);

        Assert.True(result.IsSuccess, result.Error?.Description);
        var code = await StoredCodeAsync(result.Value!.Code);
        Assert.Null(code.RedirectUri);
        Assert.True(code.ScopeOpen);
    }

    [Fact]
    public async Task PasswordCode_ClientRequiringPkceWithoutChallenge_IsInvalidRequestBeforeAnyPasswordCheck()
    {
        var result = await _service.IssuePasswordCodeAsync(PasswordRequest() with { ClientId = "strict" }, CancellationToken.None);

        Assert.Equal(OAuthErrorCodes.InvalidRequest, result.Error?.Code);
        Assert.Equal(0, _core.Users.Checks);
        Assert.Empty(_core.Tokens.All);
    }

    [Fact]
    public async Task PasswordCode_ClientRequiringPkceWithChallenge_IssuesACodeBoundToIt()
    {
        var result = await _service.IssuePasswordCodeAsync(PasswordRequest() with { ClientId = "strict", CodeChallenge = Challenge }, CancellationToken.None);

        Assert.Equal(Challenge, (await StoredCodeAsync(result.Value!.Code)).CodeChallenge);
    }

    [Fact]
    public async Task PasswordCode_EndpointRefusedForTheClient_IsUnauthorizedClient()
    {
        var result = await _service.IssuePasswordCodeAsync(PasswordRequest() with { ClientId = "closed" }, CancellationToken.None);

        // RFC 9700 §2.4: the password grant is switchable per client.
        Assert.Equal(OAuthErrorCodes.UnauthorizedClient, result.Error?.Code);
        Assert.Equal(0, _core.Users.Checks);
    }

    [Fact]
    public async Task PasswordCode_UnregisteredRedirectUri_IsInvalidRequest()
    {
        var result = await _service.IssuePasswordCodeAsync(PasswordRequest() with { RedirectUri = "https://evil.example.com/cb" }, CancellationToken.None);

        Assert.Equal(OAuthErrorCodes.InvalidRequest, result.Error?.Code);
    }

    [Fact]
    public async Task PasswordCode_ConfidentialClientWrongSecret_IsInvalidClient()
    {
        var result = await _service.IssuePasswordCodeAsync(
            PasswordRequest() with { ClientId = CoreHarness.ConfidentialClientId, ClientSecret = SecureToken.Generate() }, CancellationToken.None);

        Assert.Equal(OAuthErrorCodes.InvalidClient, result.Error?.Code);
        Assert.Equal(0, _core.Users.Checks);
    }

    // ---- Redemption of a code for a client that requires PKCE (RFC 7636 §4.4.1) ----

    [Fact]
    public async Task Redeem_ClientRequiringPkceCodeIssuedWithoutChallenge_IsInvalidGrant()
    {
        // As if issued before the client was registered to require PKCE.
        var strict = (await _core.Clients.FindAsync("strict", CancellationToken.None))!;
        var issued = await _core.Codes.IssueAsync(new CodeGrantBinding(strict, FakeUserAuthenticator.UserId, CoreHarness.RedirectUri, "email", null), CancellationToken.None);

        var result = await _core.RedeemAsync(issued.Code, clientId: "strict");

        Assert.Equal(OAuthErrorCodes.InvalidGrant, result.Error?.Code);
    }

    private static AuthorizationRequest Request() => new()
    {
        ResponseType = "code",
        ClientId = CoreHarness.PublicClientId,
        RedirectUri = CoreHarness.RedirectUri,
        Scope = "email",
        State = "xyz",
    };

    private static PasswordCodeRequest PasswordRequest() => new()
    {
        UserName = FakeUserAuthenticator.UserName,
        Password = FakeUserAuthenticator.Password,
        ClientId = CoreHarness.PublicClientId,
    };

    private Task<AuthorizationValidation> ValidateAsync(AuthorizationRequest request, AuthorizationPolicy policy) =>
        _service.ValidateAsync(request, policy, CancellationToken.None);

    private async Task<StoredToken> StoredCodeAsync(string code) =>
        (await _core.Tokens.FindAsync(SecureToken.StorageKey(code), CancellationToken.None))!;

    /// <summary>Alice, with a record version a session can be checked against.</summary>
    private sealed class UserDirectory : IUserDirectory
    {
        public const string Version = "v1";

        public bool Disabled { get; set; }

        public Task<UserProfile?> FindAsync(int userId, CancellationToken cancellationToken) =>
            Task.FromResult(userId == FakeUserAuthenticator.UserId
                ? new UserProfile { Id = userId, UserName = FakeUserAuthenticator.UserName, Version = Version, IsDisabled = Disabled }
                : null);
    }
}
