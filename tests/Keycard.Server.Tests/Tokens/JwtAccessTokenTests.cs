using System.Net;
using System.Text.Json;
using Keycard.Core.Clients;
using Keycard.Core.Security;
using Keycard.Core.Signing;
using Keycard.Core.Storage;
using Keycard.Server.Tests.Infrastructure;
using Keycard.Server.Tests.OAuth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.Server.Tests.Tokens;

/// <summary>
/// JWT access tokens (RFC 9068) over HTTP: Keycard's own endpoints accept them like opaque ones (users/me through the
/// guide's transports and Bearer, introspection, revocation), resource indicators (RFC 8707) at the token endpoint, and
/// an ES256 client's token verifying with the published JWKS.
/// </summary>
public sealed class JwtAccessTokenTests : OAuthTestBase
{
    private const string Api = "https://api.example.com/";
    private const string OtherApi = "https://other.example.com/";
    private const string Es256ClientId = "es256-service";
    private const string Es256Secret = "es256-service-secret-that-is-long-enough-0123456789";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Factory.WithScopeAsync(async sp =>
        {
            var clients = sp.GetRequiredService<IClientStore>();
            var confidential = await clients.FindAsync(KeycardFactory.ConfidentialClientId, CancellationToken.None);
            await clients.UpdateAsync(confidential! with { AccessTokenFormat = AccessTokenFormats.Jwt, Resources = [Api] }, CancellationToken.None);
            return true;
        });
        await Factory.AddClientAsync(KeycardFactory.NewClient(Es256ClientId) with
        {
            IsConfidential = true,
            SecretHash = SecureToken.Hash(Es256Secret),
            AllowClientCredentials = true,
            AccessTokenFormat = AccessTokenFormats.Jwt,
            SigningAlgorithm = SigningAlgorithms.ES256,
            RedirectUris = [],
        });
    }

    private async Task<string> JwtOfConfidentialClientAsync()
    {
        var tokens = await SignInConfidentialAsync();
        var access = tokens.GetProperty("access_token").GetString()!;
        Assert.Equal("at+jwt", new JsonWebToken(access).Typ);
        return access;
    }

    private async Task<JsonElement> IntrospectAsync(string token)
    {
        using var response = await Forms.PostAsync("/oauth2/introspect", [new("token", token)], OAuthForms.Basic(KeycardFactory.ConfidentialClientId, Secret));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await JsonAsync(response);
    }

    [Theory]
    [InlineData("header")]
    [InlineData("query")]
    [InlineData("bearer")]
    public async Task UsersMe_JwtAccessToken_IsAcceptedThroughEveryTransport(string transport)
    {
        var access = await JwtOfConfidentialClientAsync();

        using var response = await new IOfficeClient(Http).MeAsync(access, transport);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(KeycardFactory.UserName, (await JsonAsync(response)).GetProperty("userName").GetString());
    }

    [Theory]
    [InlineData("header")]
    [InlineData("query")]
    public async Task UsersMe_ExpiredJwtTheGuidesWay_Is403SoClientsRefresh(string transport)
    {
        var access = await JwtOfConfidentialClientAsync();
        Factory.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        using var response = await new IOfficeClient(Http).MeAsync(access, transport);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Forbidden, "invalid_token");
    }

    [Fact]
    public async Task Introspect_JwtAccessToken_ActiveThenInactiveOnceRevoked()
    {
        var access = await JwtOfConfidentialClientAsync();

        var active = await IntrospectAsync(access);
        using var revoke = await Forms.PostAsync("/oauth2/revoke", [new("token", access)], OAuthForms.Basic(KeycardFactory.ConfidentialClientId, Secret));
        var inactive = await IntrospectAsync(access);

        // RFC 7662 §2.2: active with what the token stands for; after revocation (RFC 7009) only active:false.
        Assert.True(active.GetProperty("active").GetBoolean());
        Assert.Equal(KeycardFactory.ConfidentialClientId, active.GetProperty("client_id").GetString());
        Assert.Equal("email", active.GetProperty("scope").GetString());
        Assert.Equal(new JsonWebToken(access).GetPayloadValue<long>("exp"), active.GetProperty("exp").GetInt64());
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.False(inactive.GetProperty("active").GetBoolean());
        Assert.Single(inactive.EnumerateObject());
        using var me = await new IOfficeClient(Http).MeAsync(access, "bearer");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task Introspect_ExpiredJwt_IsInactive()
    {
        var access = await JwtOfConfidentialClientAsync();
        Factory.Time.Advance(TimeSpan.FromHours(1));

        Assert.False((await IntrospectAsync(access)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task RevokeRefreshToken_JwtOfTheSameAuthorization_IsRevokedToo()
    {
        // RFC 7009 §2.1: revoking a refresh token invalidates the access tokens of the same grant, JWTs included.
        var tokens = await SignInConfidentialAsync();
        var access = tokens.GetProperty("access_token").GetString()!;

        using var revoke = await Forms.PostAsync("/oauth2/revoke", [new("token", tokens.GetProperty("refresh_token").GetString()!)], OAuthForms.Basic(KeycardFactory.ConfidentialClientId, Secret));

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.False((await IntrospectAsync(access)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Token_ResourceTheClientDidNotRegister_Is400InvalidTarget()
    {
        using var response = await Forms.TokenWithBasicAsync(KeycardFactory.ConfidentialClientId, Secret,
            ("grant_type", "client_credentials"), ("resource", "https://elsewhere.example.com/"));

        // RFC 8707 §2: invalid_target.
        await OAuthForms.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_target");
    }

    [Fact]
    public async Task ClientCredentials_RegisteredResource_IsTheAudienceAndIssuerTheIss()
    {
        using var response = await Forms.TokenWithBasicAsync(KeycardFactory.ConfidentialClientId, Secret,
            ("grant_type", "client_credentials"), ("resource", Api));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var jwt = new JsonWebToken((await JsonAsync(response)).GetProperty("access_token").GetString());
        Assert.Equal([Api], jwt.Audiences);
        Assert.Equal(KeycardFactory.ConfidentialClientId, jwt.Subject);
        Assert.Equal(Http.BaseAddress!.GetLeftPart(UriPartial.Authority), jwt.Issuer);

        // Introspection names the same audience (RFC 7662 §2.2), so a resource server checking by introspection can refuse a token meant for another.
        Assert.Equal(Api, (await IntrospectAsync(jwt.EncodedToken)).GetProperty("aud").GetString());
    }

    [Fact]
    public async Task Authorize_RegisteredResource_BindsTheCodeAndBecomesTheJwtAudience()
    {
        await Factory.WithScopeAsync(async sp =>
        {
            var clients = sp.GetRequiredService<IClientStore>();
            var client = await clients.FindAsync(KeycardFactory.ConfidentialClientId, CancellationToken.None);
            return await clients.UpdateAsync(client! with { Resources = [Api, OtherApi] }, CancellationToken.None);
        });
        var code = await GetCodeAsync(OAuthForms.AuthorizeUrl(KeycardFactory.ConfidentialClientId, challenge: "", method: null) + "&resource=" + Uri.EscapeDataString(OtherApi));

        using var other = await Forms.TokenWithBasicAsync(KeycardFactory.ConfidentialClientId, Secret,
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", KeycardFactory.RedirectUri), ("resource", Api));

        // RFC 8707 §2.2: the token request cannot move the code to another resource than it was granted for.
        await OAuthForms.ErrorAsync(other, HttpStatusCode.BadRequest, "invalid_target");
        // The browser is signed in now: the next authorization answers at once.
        using var again = await Http.GetAsync(OAuthForms.AuthorizeUrl(KeycardFactory.ConfidentialClientId, challenge: "", method: null) + "&resource=" + Uri.EscapeDataString(OtherApi));
        var second = OAuthForms.ReadRedirect(again)["code"];
        using var response = await Forms.TokenWithBasicAsync(KeycardFactory.ConfidentialClientId, Secret,
            ("grant_type", "authorization_code"), ("code", second), ("redirect_uri", KeycardFactory.RedirectUri));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([OtherApi], new JsonWebToken((await JsonAsync(response)).GetProperty("access_token").GetString()).Audiences);
    }

    [Fact]
    public async Task Authorize_UnregisteredResource_RedirectsWithInvalidTarget()
    {
        using var redirect = await Http.GetAsync(OAuthForms.AuthorizeUrl(KeycardFactory.ConfidentialClientId, challenge: "", method: null) + "&resource=" + Uri.EscapeDataString("https://elsewhere.example.com/"));

        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var answer = OAuthForms.ReadRedirect(redirect);
        Assert.Equal("invalid_target", answer["error"]);
        Assert.Equal("xyz", answer["state"]);
    }

    [Fact]
    public async Task ClientCredentials_Es256Client_GetsAnEs256TokenThatVerifiesWithTheJwks()
    {
        using var response = await Forms.TokenWithBasicAsync(Es256ClientId, Es256Secret, ("grant_type", "client_credentials"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var access = (await JsonAsync(response)).GetProperty("access_token").GetString()!;
        using var jwksResponse = await Http.GetAsync("/.well-known/jwks.json");
        var jwks = new JsonWebKeySet(await jwksResponse.Content.ReadAsStringAsync());

        var issuer = Http.BaseAddress!.GetLeftPart(UriPartial.Authority);
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(access, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = issuer,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidTypes = ["at+jwt"],
            LifetimeValidator = (_, _, _, _) => true,
        });

        Assert.True(validation.IsValid, validation.Exception?.Message);
        Assert.Equal("ES256", ((JsonWebToken)validation.SecurityToken).Alg);
        Assert.Contains(jwks.Keys, k => k.Kty == "EC" && k.Kid == ((JsonWebToken)validation.SecurityToken).Kid);
    }
}
