using Keycard.Core.Authorization;
using Keycard.Core.Clients;
using Keycard.Core.Errors;
using Keycard.Core.OpenIdConnect;
using Keycard.Core.Tests.Fakes;
using Keycard.Core.Users;
using Microsoft.Extensions.Options;

namespace Keycard.Core.Tests.OpenIdConnect;

/// <summary>
/// OpenID Connect RP-Initiated Logout 1.0, decided in the core once: where the browser may go after logout (§3),
/// which client may ask (§2), and when the user must confirm (§2, §6). The end_session endpoint only reads and writes these.
/// </summary>
public sealed class LogoutServiceTests
{
    private const string Issuer = "https://auth.example.com";
    private const string PostLogoutUri = "https://app.example.com/signed-out";
    private const int OtherUserId = 8;

    private readonly CoreHarness _core = new();
    private readonly InMemoryUserDirectory _users = new();
    private readonly InMemorySignInSessionStore _sessions = new();
    private readonly LogoutService _service;

    public LogoutServiceTests()
    {
        _users.Profiles[OtherUserId] = new UserProfile { Id = OtherUserId, UserName = "bob" };
        var app = new Client
        {
            ClientId = "rp",
            Name = "Relying party",
            AppCode = "rp",
            RedirectUris = [CoreHarness.RedirectUri],
            PostLogoutRedirectUris = [PostLogoutUri],
        };
        _core.Clients.AddAsync(app, CancellationToken.None).GetAwaiter().GetResult();
        var hints = new IdTokenHintReader(_core.SigningKeys);
        var authorization = new AuthorizationService(
            new AuthorizationValidator(_core.Clients), _core.ClientAuthenticator, _core.SignIn, _core.Codes, _users,
            Options.Create(_core.Protocol), _core.Time, _sessions, hints, _core.Consent);
        _service = new LogoutService(hints, _core.Clients, _sessions, authorization, _core.Time);
    }

    [Fact]
    public async Task Decide_ValidHintAndRegisteredUri_RedirectsThereWithStateWithoutConfirmation()
    {
        var ticket = await SignInAsync(FakeUserAuthenticator.UserId);
        var request = new LogoutRequest { IdTokenHint = await HintAsync(FakeUserAuthenticator.UserId, "rp"), PostLogoutRedirectUri = PostLogoutUri, State = "af0ifjsldkj" };

        var decision = await _service.DecideAsync(request, ticket, Issuer, CancellationToken.None);

        // §3: a registered post_logout_redirect_uri is used, and state goes back with it.
        Assert.Null(decision.Error);
        Assert.Equal(PostLogoutUri, decision.RedirectUri);
        Assert.Equal("af0ifjsldkj", decision.State);
        Assert.Equal("Relying party", decision.ClientName);
        Assert.Equal(ticket.SessionId, decision.Session?.Id);

        // §2: a valid hint for the signed-in user is the RP's word; no confirmation needed.
        Assert.False(decision.NeedsConfirmation);
    }

    [Fact]
    public async Task Decide_UnregisteredPostLogoutRedirectUri_IsRefusedAndNotRedirected()
    {
        var ticket = await SignInAsync(FakeUserAuthenticator.UserId);
        var request = new LogoutRequest
        {
            IdTokenHint = await HintAsync(FakeUserAuthenticator.UserId, "rp"),

            // §3: the URI must exactly match a registered one; a prefix match or another path is not enough.
            PostLogoutRedirectUri = PostLogoutUri + "/../evil",
            State = "s",
        };

        var decision = await _service.DecideAsync(request, ticket, Issuer, CancellationToken.None);

        Assert.Equal(OAuthErrorCodes.InvalidRequest, decision.Error?.Code);
        Assert.Null(decision.RedirectUri);
        Assert.Null(decision.Session);
    }

    [Fact]
    public async Task Decide_ClientIdNotTheHintsAudience_IsRefused()
    {
        var ticket = await SignInAsync(FakeUserAuthenticator.UserId);
        var request = new LogoutRequest
        {
            // §2: when both are given, the OP MUST verify client_id matches the client the ID token was issued to.
            IdTokenHint = await HintAsync(FakeUserAuthenticator.UserId, CoreHarness.PublicClientId),
            ClientId = "rp",
            PostLogoutRedirectUri = PostLogoutUri,
        };

        var decision = await _service.DecideAsync(request, ticket, Issuer, CancellationToken.None);

        Assert.Equal(OAuthErrorCodes.InvalidRequest, decision.Error?.Code);
        Assert.Contains("audience", decision.Error!.Description, StringComparison.Ordinal);
        Assert.Null(decision.RedirectUri);
    }

    [Fact]
    public async Task Decide_NoHint_NeedsConfirmation()
    {
        var ticket = await SignInAsync(FakeUserAuthenticator.UserId);
        var request = new LogoutRequest { ClientId = "rp", PostLogoutRedirectUri = PostLogoutUri };

        var decision = await _service.DecideAsync(request, ticket, Issuer, CancellationToken.None);

        // §2 and §6: without an id_token_hint the request may be a forged cross-site link, so the user confirms.
        Assert.Null(decision.Error);
        Assert.Equal(ticket.SessionId, decision.Session?.Id);
        Assert.True(decision.NeedsConfirmation);
    }

    [Fact]
    public async Task Decide_HintForAnotherUserThanTheSession_NeedsConfirmation()
    {
        var ticket = await SignInAsync(OtherUserId);
        var request = new LogoutRequest { IdTokenHint = await HintAsync(FakeUserAuthenticator.UserId, "rp"), PostLogoutRedirectUri = PostLogoutUri };

        var decision = await _service.DecideAsync(request, ticket, Issuer, CancellationToken.None);

        // §2: the hint names the user the RP believes is signed in; it does not answer for another user's session.
        Assert.Null(decision.Error);
        Assert.Equal(OtherUserId, decision.Session?.UserId);
        Assert.True(decision.NeedsConfirmation);
    }

    [Fact]
    public async Task End_DecidedSession_EndsItOnce()
    {
        var ticket = await SignInAsync(FakeUserAuthenticator.UserId);
        var request = new LogoutRequest { IdTokenHint = await HintAsync(FakeUserAuthenticator.UserId, "rp") };
        var decision = await _service.DecideAsync(request, ticket, Issuer, CancellationToken.None);

        Assert.True(await _service.EndAsync(decision, CancellationToken.None));
        Assert.False(await _service.EndAsync(decision, CancellationToken.None));
        Assert.Equal(_core.Time.GetUtcNow(), _sessions.All[ticket.SessionId].EndedAt);
    }

    private async Task<SessionTicket> SignInAsync(int userId)
    {
        var now = _core.Time.GetUtcNow();
        var session = new SignInSessionRecord(Guid.NewGuid().ToString("N"), userId, now, now.AddHours(8));
        await _sessions.AddAsync(session, CancellationToken.None);
        return new SessionTicket(session.Id, userId, "");
    }

    private ValueTask<string> HintAsync(int userId, string clientId) => _core.IdTokens.CreateAsync(
        new IdTokenDescriptor
        {
            Issuer = Issuer,
            ClientId = clientId,
            UserId = userId,
            AuthTime = _core.Time.GetUtcNow(),
            IssuedAt = _core.Time.GetUtcNow(),
            Lifetime = TimeSpan.FromHours(1),
        },
        CancellationToken.None);
}
