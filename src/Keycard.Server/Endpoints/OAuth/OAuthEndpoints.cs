using System.Globalization;
using Keycard.Core.Authorization;
using Keycard.Core.Clients;
using Keycard.Core.Scopes;
using Keycard.Core.Security;
using Keycard.Core.Tokens;
using Keycard.Server.Endpoints.Login;
using Keycard.Server.Endpoints.OpenIdConnect;
using Keycard.Server.Http;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Keycard.Server.Endpoints.OAuth;

/// <summary>
/// The standard OAuth 2.0 / 2.1 dialect: form-encoded requests, JSON answers, <c>expires_in</c> in seconds.
/// Every endpoint parses into the same core records the iOFFICE dialect uses and maps the core's answer back,
/// so a code or token from one dialect works in the other.
/// </summary>
internal static class OAuthEndpoints
{
    public const string MetadataPath = "/.well-known/oauth-authorization-server";
    public const string AuthorizePath = "/oauth2/authorize";
    public const string TokenPath = "/oauth2/token";
    public const string RevokePath = "/oauth2/revoke";
    public const string IntrospectPath = "/oauth2/introspect";

    internal static readonly string[] ClientAuthMethods = ["client_secret_basic", "client_secret_post", "none"];
    internal static readonly string[] SecretAuthMethods = ["client_secret_basic", "client_secret_post"];

    public static IEndpointRouteBuilder MapStandardOAuth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(MetadataPath, Metadata).RequireCors(ClientOriginCorsPolicyProvider.PolicyName).WithMetadata(OAuthErrorDialect.Instance);

        routes.MapGet(AuthorizePath, (HttpContext context, AuthorizationService authorization, IAntiforgery antiforgery, CancellationToken ct) =>
            LoginFlow.ShowAsync(context, OAuthLogin.For(OAuthIssuer.For(context)), authorization, antiforgery, ct))
            .WithMetadata(HtmlErrorDialect.Instance);
        routes.MapPost(AuthorizePath, async (HttpContext context, AuthorizationService authorization, IAntiforgery antiforgery, CancellationToken ct) =>
            await PostedAuthorizationRequest.TryReadIntoQueryAsync(context.Request, ct)
                ? await LoginFlow.ShowAsync(context, OAuthLogin.For(OAuthIssuer.For(context)), authorization, antiforgery, ct)
                : await LoginFlow.SubmitAsync(context, OAuthLogin.For(OAuthIssuer.For(context)), authorization, antiforgery, ct))
            .RequireRateLimiting(PasswordRateLimit.PolicyName)
            .WithMetadata(new PasswordRateLimit.SpendsNoAttemptWhen(PostedAuthorizationRequest.IsOne))
            .WithMetadata(HtmlErrorDialect.Instance);

        var backChannel = routes.MapGroup("/oauth2")
            .RequireCors(ClientOriginCorsPolicyProvider.PolicyName)
            .WithMetadata(OAuthErrorDialect.Instance, NoSignInSession.Instance);
        backChannel.MapPost("/token", TokenAsync);
        backChannel.MapPost("/revoke", RevokeAsync);
        backChannel.MapPost("/introspect", IntrospectAsync);
        return routes;
    }

    /// <summary>RFC 8414 §3: the metadata document, at the well-known URI derived from the issuer.</summary>
    private static JsonHttpResult<AuthorizationServerMetadata> Metadata(HttpContext context, TokenService tokens, IOptions<StandardOAuthOptions> options)
    {
        var issuer = OAuthIssuer.For(context);
        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Json(new AuthorizationServerMetadata
        {
            Issuer = issuer,
            AuthorizationEndpoint = issuer + AuthorizePath,
            TokenEndpoint = issuer + TokenPath,
            RevocationEndpoint = issuer + RevokePath,
            IntrospectionEndpoint = issuer + IntrospectPath,
            JwksUri = issuer + Signing.JwksEndpoint.Path,

            // Registered in the RFC 8414 §7.1 metadata registry by OpenID Connect Discovery 1.0.
            UserinfoEndpoint = issuer + OpenIdEndpoints.UserInfoPath,
            EndSessionEndpoint = issuer + OpenIdEndpoints.EndSessionPath,
            ScopesSupported = OpenIdEndpoints.ScopesSupported(options.Value),
            ResponseTypesSupported = ["code"],
            ResponseModesSupported = [.. ResponseModes.All],
            GrantTypesSupported = [.. tokens.SupportedGrantTypes.Order(StringComparer.Ordinal)],
            CodeChallengeMethodsSupported = [Pkce.S256],
            TokenEndpointAuthMethodsSupported = ClientAuthMethods,
            RevocationEndpointAuthMethodsSupported = ClientAuthMethods,
            IntrospectionEndpointAuthMethodsSupported = SecretAuthMethods,
        }, OAuthJsonContext.Default.AuthorizationServerMetadata);
    }

    /// <summary>RFC 6749 §3.2: authenticate the client, then the grant's own handler (§4.1.3, §4.4.2, §6).</summary>
    private static async Task<Results<JsonHttpResult<OAuthTokenResponse>, JsonHttpResult<OAuthError>>> TokenAsync(
        HttpContext context, TokenService tokens, CancellationToken cancellationToken)
    {
        var (form, formError) = await OAuthForm.ReadAsync(context.Request, cancellationToken);
        if (formError is not null)
        {
            return OAuthResults.Error(context, formError);
        }

        var reader = new ParameterReader();
        var issuer = OAuthIssuer.For(context);
        var grantType = reader.Read(form["grant_type"], "grant_type", 100);
        var client = ClientCredentials.Read(context.Request, form, reader);
        var request = new TokenRequest
        {
            GrantType = grantType,
            ClientId = client.ClientId,
            ClientSecret = client.Secret,
            Code = reader.Read(form["code"], "code", SecureToken.MaxPresentedLength),
            RedirectUri = reader.Read(form["redirect_uri"], "redirect_uri", RedirectUriRules.MaxLength),
            CodeVerifier = reader.Read(form["code_verifier"], "code_verifier", SecureToken.MaxPresentedLength),
            RefreshToken = reader.Read(form["refresh_token"], "refresh_token", SecureToken.MaxPresentedLength),
            Scope = reader.Read(form["scope"], "scope", ScopeRules.MaxLength),
            Resource = reader.Read(form["resource"], "resource", ResourceRules.MaxLength),
            SourceAddress = SourceAddress.Of(context),
            Issuer = issuer,
            AccessTokenIssuer = issuer,
        };
        if ((reader.Error ?? client.Error) is { } inputError)
        {
            return OAuthResults.Error(context, inputError);
        }

        var result = await tokens.HandleAsync(request, cancellationToken);
        if (!result.IsSuccess)
        {
            return OAuthResults.Error(context, result.Error);
        }

        OAuthResults.NoStore(context);
        var issued = result.Value;
        var response = new OAuthTokenResponse(
            issued.AccessToken,
            IssuedTokens.BearerType,
            (long)issued.ExpiresIn.TotalSeconds,
            issued.RefreshToken,
            issued.Scope.Length > 0 ? issued.Scope : null,
            issued.IdToken);
        return TypedResults.Json(response, OAuthJsonContext.Default.OAuthTokenResponse);
    }

    /// <summary>RFC 7009 §2: authenticated clients revoke their own tokens; 200 even for unknown ones.</summary>
    private static async Task<Results<Ok, JsonHttpResult<OAuthError>>> RevokeAsync(
        HttpContext context, RevocationService revocation, CancellationToken cancellationToken)
    {
        var (input, inputError) = await TokenForm.ReadAsync(context.Request, cancellationToken);
        if (input is null)
        {
            return OAuthResults.Error(context, inputError!);
        }

        // RFC 7009 §2.1: the hint only helps the lookup; an unknown hint is ignored, since one lookup finds every type.
        var result = await revocation.RevokeAsync(
            new RevocationRequest { Token = input.Token, TokenTypeHint = input.Hint, ClientId = input.Client.ClientId, ClientSecret = input.Client.Secret, RequireClientAuthentication = true, SourceAddress = SourceAddress.Of(context) },
            cancellationToken);
        if (!result.IsSuccess)
        {
            return OAuthResults.Error(context, result.Error);
        }

        OAuthResults.NoStore(context);
        return TypedResults.Ok();
    }

    /// <summary>RFC 7662 §2: what an authenticated client may learn of its own token.</summary>
    private static async Task<Results<JsonHttpResult<IntrospectionResponse>, JsonHttpResult<OAuthError>>> IntrospectAsync(
        HttpContext context, IntrospectionService introspection, CancellationToken cancellationToken)
    {
        var (input, inputError) = await TokenForm.ReadAsync(context.Request, cancellationToken);
        if (input is null)
        {
            return OAuthResults.Error(context, inputError!);
        }

        var result = await introspection.IntrospectAsync(
            new IntrospectionRequest { Token = input.Token, TokenTypeHint = input.Hint, ClientId = input.Client.ClientId, ClientSecret = input.Client.Secret, SourceAddress = SourceAddress.Of(context) },
            cancellationToken);
        if (!result.IsSuccess)
        {
            return OAuthResults.Error(context, result.Error);
        }

        OAuthResults.NoStore(context);
        if (result.Value is not { Active: true, Token: { } stored } answer)
        {
            return TypedResults.Json(
                result.Value.InactiveReason is { } reason ? new IntrospectionResponse { Active = false, KeycardInactiveReason = reason } : IntrospectionResponse.Inactive,
                OAuthJsonContext.Default.IntrospectionResponse);
        }

        var issuer = OAuthIssuer.For(context);
        return TypedResults.Json(new IntrospectionResponse
        {
            Active = true,
            Scope = stored.Scope,
            ClientId = stored.ClientId,
            Username = answer.UserName,
            TokenType = stored.Kind == TokenKind.AccessToken ? IssuedTokens.BearerType : "refresh_token",
            Exp = stored.ExpiresAt.ToUnixTimeSeconds(),
            Iat = stored.CreatedAt.ToUnixTimeSeconds(),
            Sub = stored.UserId?.ToString(CultureInfo.InvariantCulture) ?? stored.ClientId,
            Iss = issuer,
            Aud = stored.Kind == TokenKind.AccessToken ? stored.Resource ?? issuer : null,
        }, OAuthJsonContext.Default.IntrospectionResponse);
    }
}
