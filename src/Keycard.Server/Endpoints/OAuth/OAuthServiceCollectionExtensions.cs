namespace Keycard.Server.Endpoints.OAuth;

internal static class OAuthServiceCollectionExtensions
{
    /// <summary>The standard dialect's options. A configured issuer that is not https (or loopback http) stops the start.</summary>
    public static IServiceCollection AddStandardOAuth(this IServiceCollection services)
    {
        services.AddOptions<StandardOAuthOptions>()
            .BindConfiguration("Keycard")
            .Validate(
                o => string.IsNullOrEmpty(o.Issuer) || StandardOAuthOptions.FindIssuerProblem(o.Issuer) is null,
                "Keycard:Issuer must be an https URL without query or fragment; plain http is allowed only on loopback (RFC 8414 §2).")
            .ValidateOnStart();
        return services;
    }
}
