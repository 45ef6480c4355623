using System.Net;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.Security;

/// <summary>
/// The sign-in session cookie is read only where it can matter: Keycard's pages (login, consent, authorize, logout).
/// The token endpoints of both dialects answer to the client's own credentials (RFC 6749 §2.3) and skip the cookie
/// handler's work (NoSignInSession); an authorization request still sees the session.
/// </summary>
public sealed class SignInSessionScopeTests : IAsyncLifetime
{
    // Logged (Debug) by ASP.NET Core's cookie handler each time it authenticates a request that has no session cookie.
    private const string NotAuthenticated = "AuthenticationScheme: keycard.session was not authenticated";

    private readonly KeycardFactory _factory = new() { Logs = new CapturingLoggerProvider() };
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        await _factory.SeedAsync();
        _http = _factory.CreateClient(new() { AllowAutoRedirect = false });
    }

    public Task DisposeAsync()
    {
        _http.Dispose();
        _factory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task TokenEndpoints_ClientCredentials_SkipTheSessionAuthentication()
    {
        var before = Authentications();

        using var ioffice = new HttpRequestMessage(HttpMethod.Post, "/external/api/oauth2/token");
        ioffice.Headers.Add("x-grant-type", "client_credentials");
        ioffice.Headers.Add("x-client-id", KeycardFactory.ConfidentialClientId);
        ioffice.Headers.Add("x-client-secret", _factory.ConfidentialSecret);
        using var iofficeAnswer = await _http.SendAsync(ioffice);
        using var standardAnswer = await _http.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = KeycardFactory.ConfidentialClientId,
            ["client_secret"] = _factory.ConfidentialSecret,
        }));

        Assert.Equal(HttpStatusCode.OK, iofficeAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, standardAnswer.StatusCode);
        Assert.Equal(before, Authentications());
    }

    [Fact]
    public async Task AuthorizePage_Request_StillAuthenticatesTheSession()
    {
        var before = Authentications();

        using var answer = await _http.GetAsync(
            $"/oauth2/authorize?response_type=code&client_id={KeycardFactory.PublicClientId}&redirect_uri={Uri.EscapeDataString(KeycardFactory.RedirectUri)}&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.True(Authentications() > before);
    }

    private int Authentications() => _factory.Logs!.Entries.Count(e => e.Contains(NotAuthenticated, StringComparison.Ordinal));
}
