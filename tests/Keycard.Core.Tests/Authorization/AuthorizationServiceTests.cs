using Keycard.Core.Authorization;
using Keycard.Core.Clients;
using Keycard.Core.Errors;
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
            new AuthorizationValidator(_core.Clients), _core.ClientAuthenticator, _core.SignIn, _core.Codes, _users, Options.Create(_core.Protocol), _core.Time);
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
        var code = await StoredCodeAsync(result.Value!.Code.Code);
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
        Assert.Null((await StoredCodeAsync(result.Value!.Code.Code)).RedirectUri);
    }

    [Fact]
    public async Task SignIn_ScopeOmitted_BindsTheEmptyScopeSoTheTokenRequestCannotWidenIt()
    {
        var validation = await ValidateAsync(Request() with { ClientId = "single", Scope = null, CodeChallenge = Challenge, CodeChallengeMethod = Pkce.S256 }, AuthorizationPolicy.Standard);

        var result = await _service.SignInAsync(validation, FakeUserAuthenticator.UserName, FakeUserAuthenticator.Password, "192.0.2.1", CancellationToken.None);

        var code = await StoredCodeAsync(result.Value!.Code.Code);
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
    public async Task ResumeSession_UserRecordUnchanged_IssuesACodeWithoutAPassword()
    {
        var validation = await ValidateAsync(Request(), AuthorizationPolicy.IOffice);

        var response = await _service.ResumeSessionAsync(validation, FakeUserAuthenticator.UserId, UserDirectory.Version, CancellationToken.None);

        Assert.NotNull(response);
        Assert.Equal(0, _core.Users.Checks);
        Assert.Equal(FakeUserAuthenticator.UserId, (await StoredCodeAsync(response.Code.Code)).UserId);
    }

    [Theory]
    [InlineData("changed", false)]
    [InlineData(UserDirectory.Version, true)]
    public async Task ResumeSession_UserChangedOrDisabled_IssuesNothing(string version, bool disabled)
    {
        _users.Disabled = disabled;
        var validation = await ValidateAsync(Request(), AuthorizationPolicy.IOffice);

        var response = await _service.ResumeSessionAsync(validation, FakeUserAuthenticator.UserId, version, CancellationToken.None);

        Assert.Null(response);
        Assert.Empty(_core.Tokens.All);
    }

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
