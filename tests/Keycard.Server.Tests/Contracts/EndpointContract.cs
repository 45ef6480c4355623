using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.Contracts;

/// <summary>
/// The base of every endpoint contract: a fresh Keycard (own database, fake clock, seeded user and clients) per test
/// and one <typeparamref name="TDialect"/> to speak to it. Each contract is subclassed once per dialect, as the storage
/// contract suites are once per database.
/// </summary>
public abstract class EndpointContract<TDialect> : IAsyncLifetime
    where TDialect : Dialect, new()
{
    public const string PublicClientId = KeycardFactory.PublicClientId;
    public const string ConfidentialClientId = KeycardFactory.ConfidentialClientId;
    public const string RedirectUri = KeycardFactory.RedirectUri;

    protected KeycardFactory Factory { get; } = new();

    protected TDialect Dialect { get; } = new();

    protected string Secret => Factory.ConfidentialSecret;

    public async Task InitializeAsync()
    {
        await Factory.SeedAsync();
        Dialect.Attach(Factory);
    }

    public Task DisposeAsync()
    {
        Dialect.Dispose();
        Factory.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A code for the public client, bound to the test PKCE challenge, the redirect URI and <paramref name="scope"/>.</summary>
    protected Task<string> PublicCodeAsync(string scope = "email") =>
        Dialect.IssueCodeAsync(new CodeRequest(PublicClientId, Scope: scope, Challenge: OAuthForms.Challenge));

    /// <summary>A code for the confidential client, without PKCE (optional for confidential clients, RFC 9700 §2.1.1).</summary>
    protected Task<string> ConfidentialCodeAsync(string scope = "email") =>
        Dialect.IssueCodeAsync(new CodeRequest(ConfidentialClientId, Secret, scope));

    protected Task<HttpResponseMessage> ExchangePublicAsync(string? code, string? verifier = OAuthForms.Verifier, string? redirectUri = RedirectUri, string? scope = null, string clientId = PublicClientId) =>
        Dialect.TokenAsync(new TokenCall { GrantType = "authorization_code", ClientId = clientId, Code = code, CodeVerifier = verifier, RedirectUri = redirectUri, Scope = scope });

    protected Task<HttpResponseMessage> ExchangeConfidentialAsync(string code, string? secret, string? verifier = null) =>
        Dialect.TokenAsync(new TokenCall { GrantType = "authorization_code", ClientId = ConfidentialClientId, ClientSecret = secret, Code = code, CodeVerifier = verifier, RedirectUri = RedirectUri });

    protected Task<HttpResponseMessage> RefreshAsync(string refreshToken, string clientId = PublicClientId, string? secret = null, string? scope = null) =>
        Dialect.TokenAsync(new TokenCall { GrantType = "refresh_token", ClientId = clientId, ClientSecret = secret, RefreshToken = refreshToken, Scope = scope });

    protected async Task<IssuedTokenSet> SignInPublicAsync(string scope = "email")
    {
        using var response = await ExchangePublicAsync(await PublicCodeAsync(scope));
        return await IssuedTokenSet.ReadAsync(response);
    }

    protected async Task<IssuedTokenSet> SignInConfidentialAsync(string scope = "email")
    {
        using var response = await ExchangeConfidentialAsync(await ConfidentialCodeAsync(scope), Secret);
        return await IssuedTokenSet.ReadAsync(response);
    }

    /// <summary>What the REST API (shared by both dialects) says to a Bearer token.</summary>
    protected async Task<HttpStatusCode> ApiStatusAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/external/api/rest/v2/users/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await Dialect.Http.SendAsync(request);
        return response.StatusCode;
    }

    protected static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();
}
