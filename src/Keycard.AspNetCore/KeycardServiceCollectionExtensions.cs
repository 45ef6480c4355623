using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Keycard.AspNetCore;

/// <summary><c>builder.Services.AddKeycardAuthentication(builder.Configuration.GetSection("Keycard"))</c>.</summary>
public static class KeycardServiceCollectionExtensions
{
    /// <summary>Keycard as the default authentication scheme, bound from <paramref name="section"/> (Authority, ClientId, ClientSecret, Resource, Audience, JwtValidation, ...).</summary>
    public static AuthenticationBuilder AddKeycardAuthentication(this IServiceCollection services, IConfiguration section) =>
        services.AddKeycardAuthentication(section.Bind);

    public static AuthenticationBuilder AddKeycardAuthentication(this IServiceCollection services, Action<KeycardAuthenticationOptions> configure)
    {
        services.AddHttpClient(KeycardIntrospector.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(10));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<KeycardIntrospector>();
        services.TryAddSingleton<KeycardSigningKeys>();
        services.TryAddSingleton<KeycardAccessTokenValidator>();
        services.TryAddSingleton<KeycardUpstreamTokenValidator>();
        services.AddAuthorization();
        return services.AddAuthentication(KeycardAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<KeycardAuthenticationOptions, KeycardAuthenticationHandler>(KeycardAuthenticationDefaults.AuthenticationScheme, configure);
    }
}
