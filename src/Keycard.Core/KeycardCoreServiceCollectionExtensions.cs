using Keycard.Core.Authorization;
using Keycard.Core.Clients;
using Keycard.Core.Consent;
using Keycard.Core.Diagnostics;
using Keycard.Core.OpenIdConnect;
using Keycard.Core.Signing;
using Keycard.Core.Tokens;
using Keycard.Core.Tokens.Grants;
using Keycard.Core.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Keycard.Core;

public static class KeycardCoreServiceCollectionExtensions
{
    /// <summary>Registers the protocol core. The stores (<c>Keycard.Core.Storage</c>) come from a storage package.</summary>
    public static IServiceCollection AddKeycardCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<KeycardTelemetry>();
        services.AddOptions<KeycardProtocolOptions>();
        services.AddOptions<LockoutOptions>();
        services.AddScoped<ClientAuthenticator>();
        services.AddScoped<ClientRegistration>();
        services.AddScoped<AuthorizationValidator>();
        services.AddScoped<CodeIssuer>();
        services.AddScoped<PasswordSignIn>();
        services.AddScoped<AuthorizationService>();
        services.AddScoped<ConsentService>();
        services.AddScoped<TokenFactory>();
        // Keyed by grant type, so a token request creates only the handler it uses (TokenService).
        services.AddKeyedScoped<IGrantHandler, AuthorizationCodeGrant>(GrantTypes.AuthorizationCode);
        services.AddKeyedScoped<IGrantHandler, RefreshTokenGrant>(GrantTypes.RefreshToken);
        services.AddKeyedScoped<IGrantHandler, ClientCredentialsGrant>(GrantTypes.ClientCredentials);
        services.AddScoped(sp => new TokenService(sp.GetRequiredService<ClientAuthenticator>(), GrantTypes.All, sp, sp.GetService<KeycardTelemetry>()));
        services.AddScoped<AccessTokenValidator>();
        services.AddScoped<RevocationService>();
        services.AddScoped<IntrospectionService>();
        services.AddSingleton<JwtSigner>();
        services.AddSingleton<IdTokenFactory>();
        services.AddSingleton<IdTokenHintReader>();
        services.AddScoped<UserInfoService>();
        services.AddScoped<LogoutService>();
        return services;
    }
}
