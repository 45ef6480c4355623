using System.Net;
using System.Text.Json;
using Duende.IdentityModel.Client;
using Keycard.Core.Security;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Server.Tests.Interop;

/// <summary>
/// Duende.IdentityModel, the .NET OAuth client library, against Keycard on a real Kestrel socket on 127.0.0.1:
/// discovery, client credentials, the code flow with PKCE, refresh, introspection and revocation, with no
/// Keycard-specific handling.
/// </summary>
public sealed class DuendeIdentityModelTests : IAsyncLifetime
{
    // A secret with the characters RFC 6749 §2.3.1 makes clients form-encode before Basic: the library must do it.
    private const string ClientId = "duende-app";
    private const string ClientSecret = "s3cret:with+reserved%chars and/spaces-0123456789";
    private const string RedirectUri = "http://127.0.0.1/callback";

    private readonly KeycardFactory _factory = new();
    private HttpClient _http = null!;
    private string _baseUrl = "";

    public async Task InitializeAsync()
    {
        _factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        await _factory.SeedAsync();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        _baseUrl = addresses.Single().TrimEnd('/');
        Assert.StartsWith("http://127.0.0.1:", _baseUrl, StringComparison.Ordinal);
        await _factory.AddClientAsync(KeycardFactory.NewClient(ClientId) with
        {
            IsConfidential = true,
            SecretHash = SecureToken.Hash(ClientSecret),
            AllowClientCredentials = true,
            RedirectUris = [RedirectUri],
        });
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
    }

    public Task DisposeAsync()
    {
        _http.Dispose();
        _factory.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>
    /// The library's default policy (https unless loopback, issuer equals authority, endpoints on the authority),
    /// pointed at the RFC 8414 path. RequireKeySet is off: Keycard's tokens are opaque and it publishes no
    /// jwks_uri, which RFC 8414 §2 makes optional.
    /// </summary>
    private async Task<DiscoveryDocumentResponse> DiscoverAsync()
    {
        var disco = await _http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = _baseUrl,
            Policy = new DiscoveryPolicy { DiscoveryDocumentPath = "/.well-known/oauth-authorization-server", RequireKeySet = false },
        });
        Assert.False(disco.IsError, disco.Error);
        return disco;
    }

    /// <summary>Runs the browser part: authorize URL from the library, sign in on the form, parse the answer with the library.</summary>
    private async Task<AuthorizeResponse> AuthorizeAsync(DiscoveryDocumentResponse disco, string state, string challenge)
    {
        var url = new RequestUrl(disco.AuthorizeEndpoint!).CreateAuthorizeUrl(
            clientId: ClientId, responseType: "code", scope: "email profile", redirectUri: RedirectUri,
            state: state, codeChallenge: challenge, codeChallengeMethod: "S256");
        var browser = new Browser(new Dictionary<string, HttpMessageHandler> { [_baseUrl] = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false } });
        var (page, pageUrl) = await browser.FollowAsync(url);
        using (page)
        {
            using var redirect = await browser.SignInAsync(page, pageUrl);
            Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
            return new AuthorizeResponse(redirect.Headers.Location!.ToString());
        }
    }

    [Fact]
    public async Task Discovery_DefaultSecurityPolicy_AcceptsKeycardsMetadata()
    {
        var disco = await DiscoverAsync();

        Assert.Equal(_baseUrl, disco.Issuer);
        Assert.Equal(_baseUrl + "/oauth2/token", disco.TokenEndpoint);
        Assert.Equal(_baseUrl + "/oauth2/authorize", disco.AuthorizeEndpoint);
        Assert.Equal(_baseUrl + "/oauth2/revoke", disco.RevocationEndpoint);
        Assert.Equal(_baseUrl + "/oauth2/introspect", disco.IntrospectionEndpoint);
        Assert.Contains("S256", disco.CodeChallengeMethodsSupported);
        Assert.Contains("client_secret_basic", disco.TokenEndpointAuthenticationMethodsSupported);
    }

    [Theory]
    [InlineData(ClientCredentialStyle.AuthorizationHeader)]
    [InlineData(ClientCredentialStyle.PostBody)]
    public async Task ClientCredentials_EitherAuthenticationStyle_GetsAnAccessToken(ClientCredentialStyle style)
    {
        var disco = await DiscoverAsync();

        var response = await _http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = disco.TokenEndpoint,
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            ClientCredentialStyle = style,
            Scope = "reports",
        });

        Assert.False(response.IsError, response.Error);
        Assert.Equal("Bearer", response.TokenType);
        Assert.Equal(3600, response.ExpiresIn);
        Assert.Equal("reports", response.Scope);
        Assert.Null(response.RefreshToken);
    }

    [Fact]
    public async Task ClientCredentials_WrongSecret_IsReportedAsInvalidClient()
    {
        var disco = await DiscoverAsync();

        var response = await _http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = disco.TokenEndpoint,
            ClientId = ClientId,
            ClientSecret = "wrong",
            ClientCredentialStyle = ClientCredentialStyle.AuthorizationHeader,
        });

        // RFC 6749 §5.2: 401 for invalid_client; the library reports a 401 as an HTTP error and keeps the body.
        Assert.True(response.IsError);
        Assert.Equal(HttpStatusCode.Unauthorized, response.HttpStatusCode);
        Assert.Equal("invalid_client", JsonDocument.Parse(response.Raw!).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task CodeFlow_WithPkce_ExchangesRefreshesIntrospectsAndRevokes()
    {
        var disco = await DiscoverAsync();
        var verifier = SecureToken.Generate() + SecureToken.Generate();
        var authorize = await AuthorizeAsync(disco, "st-1", Pkce.ComputeChallenge(verifier));
        Assert.False(authorize.IsError, authorize.Error);
        Assert.Equal("st-1", authorize.State);
        Assert.Equal(_baseUrl, Uri.UnescapeDataString(authorize.Values["iss"]));

        var tokens = await _http.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = disco.TokenEndpoint,
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            ClientCredentialStyle = ClientCredentialStyle.AuthorizationHeader,
            Code = authorize.Code!,
            RedirectUri = RedirectUri,
            CodeVerifier = verifier,
        });
        Assert.False(tokens.IsError, tokens.Error);
        Assert.Equal(3600, tokens.ExpiresIn);

        var refreshed = await _http.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = disco.TokenEndpoint,
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            RefreshToken = tokens.RefreshToken!,
            Scope = "email",
        });
        Assert.False(refreshed.IsError, refreshed.Error);
        Assert.Equal("email", refreshed.Scope);

        var introspection = await _http.IntrospectTokenAsync(new TokenIntrospectionRequest
        {
            Address = disco.IntrospectionEndpoint,
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            Token = refreshed.AccessToken!,
            TokenTypeHint = "access_token",
        });
        Assert.False(introspection.IsError, introspection.Error);
        Assert.True(introspection.IsActive);
        Assert.Equal(KeycardFactory.UserName, introspection.Claims.Single(c => c.Type == "username").Value);
        Assert.Equal(ClientId, introspection.Claims.Single(c => c.Type == "client_id").Value);

        var revocation = await _http.RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = disco.RevocationEndpoint,
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            Token = refreshed.RefreshToken!,
            TokenTypeHint = "refresh_token",
        });
        Assert.False(revocation.IsError, revocation.Error);

        var afterRevocation = await _http.IntrospectTokenAsync(new TokenIntrospectionRequest
        {
            Address = disco.IntrospectionEndpoint,
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            Token = refreshed.AccessToken!,
        });
        Assert.False(afterRevocation.IsError, afterRevocation.Error);
        Assert.False(afterRevocation.IsActive);
    }

    [Fact]
    public async Task CodeFlow_WrongVerifier_IsReportedAsInvalidGrant()
    {
        var disco = await DiscoverAsync();
        var authorize = await AuthorizeAsync(disco, "st-2", Pkce.ComputeChallenge(SecureToken.Generate() + "x"));

        var tokens = await _http.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = disco.TokenEndpoint,
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            Code = authorize.Code!,
            RedirectUri = RedirectUri,
            CodeVerifier = SecureToken.Generate() + "y",
        });

        Assert.True(tokens.IsError);
        Assert.Equal("invalid_grant", tokens.Error);
    }
}
