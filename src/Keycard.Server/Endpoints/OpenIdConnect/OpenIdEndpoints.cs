using Keycard.Core.Authorization;
using Keycard.Core.OpenIdConnect;
using Keycard.Core.Security;
using Keycard.Core.Signing;
using Keycard.Core.Tokens;
using Keycard.Server.Endpoints.OAuth;
using Keycard.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Keycard.Server.Endpoints.OpenIdConnect;

/// <summary>
/// OpenID Connect for the standard dialect: the discovery document (Discovery 1.0), UserInfo (Core §5.3) and
/// RP-initiated logout (RP-Initiated Logout 1.0). The iOFFICE dialect knows nothing of these.
/// </summary>
internal static class OpenIdEndpoints
{
    public const string ConfigurationPath = "/.well-known/openid-configuration";
    public const string UserInfoPath = "/oauth2/userinfo";
    public const string EndSessionPath = "/oauth2/logout";

    /// <summary>How long a client may cache the discovery document: it changes only with the configuration.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(1);

    public static IEndpointRouteBuilder MapOpenIdConnect(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(ConfigurationPath, Configuration).RequireCors(ClientOriginCorsPolicyProvider.PolicyName).WithMetadata(OAuthErrorDialect.Instance);
        routes.MapMethods(UserInfoPath, [HttpMethods.Get, HttpMethods.Post], UserInfoEndpoint.HandleAsync)
            .RequireCors(ClientOriginCorsPolicyProvider.PolicyName)
            .WithMetadata(OAuthErrorDialect.Instance);
        routes.MapMethods(EndSessionPath, [HttpMethods.Get, HttpMethods.Post], EndSessionEndpoint.HandleAsync)
            .WithMetadata(Login.HtmlErrorDialect.Instance);
        return routes;
    }

    /// <summary>The scopes both discovery documents publish: OpenID Connect's and the configured ones.</summary>
    public static string[] ScopesSupported(StandardOAuthOptions options) =>
        [.. OpenIdScopes.All.Concat(options.Scopes).Distinct(StringComparer.Ordinal)];

    /// <summary>Discovery §4: the configuration at the issuer's well-known URI, its issuer exactly the RFC 8414 one (§4.3).</summary>
    private static JsonHttpResult<OpenIdConfiguration> Configuration(HttpContext context, TokenService tokens, IOptions<StandardOAuthOptions> options)
    {
        var issuer = OAuthIssuer.For(context);
        context.Response.Headers.CacheControl = $"public, max-age={(int)MaxAge.TotalSeconds}";
        return TypedResults.Json(new OpenIdConfiguration
        {
            Issuer = issuer,
            AuthorizationEndpoint = issuer + OAuthEndpoints.AuthorizePath,
            TokenEndpoint = issuer + OAuthEndpoints.TokenPath,
            UserinfoEndpoint = issuer + UserInfoPath,
            JwksUri = issuer + Signing.JwksEndpoint.Path,
            EndSessionEndpoint = issuer + EndSessionPath,
            RevocationEndpoint = issuer + OAuthEndpoints.RevokePath,
            IntrospectionEndpoint = issuer + OAuthEndpoints.IntrospectPath,
            ScopesSupported = ScopesSupported(options.Value),
            ResponseTypesSupported = ["code"],
            ResponseModesSupported = [.. ResponseModes.All],
            GrantTypesSupported = [.. tokens.SupportedGrantTypes.Order(StringComparer.Ordinal)],

            // Core §8: one public identifier per user for every client.
            SubjectTypesSupported = ["public"],
            IdTokenSigningAlgValuesSupported = [.. SigningAlgorithms.All],
            TokenEndpointAuthMethodsSupported = OAuthEndpoints.ClientAuthMethods,
            RevocationEndpointAuthMethodsSupported = OAuthEndpoints.ClientAuthMethods,
            IntrospectionEndpointAuthMethodsSupported = OAuthEndpoints.SecretAuthMethods,
            ClaimsSupported = [.. OpenIdScopes.Claims],
            CodeChallengeMethodsSupported = [Pkce.S256],
            PromptValuesSupported = [.. PromptValues.All],
        }, OpenIdJsonContext.Default.OpenIdConfiguration);
    }
}
