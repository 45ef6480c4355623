using Microsoft.AspNetCore.Builder;

namespace Keycard.AspNetCore;

/// <summary>Protects endpoints with a Keycard token: <c>app.MapGet(...).RequireKeycardScope("orders.read")</c>.</summary>
public static class KeycardEndpointExtensions
{
    /// <summary>Requires a valid Keycard token carrying <paramref name="scope"/> (space-separated; empty: any valid token).</summary>
    public static TBuilder RequireKeycardScope<TBuilder>(this TBuilder builder, string scope = "")
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy =>
        {
            policy.AddAuthenticationSchemes(KeycardAuthenticationDefaults.AuthenticationScheme).RequireAuthenticatedUser();
            if (!string.IsNullOrWhiteSpace(scope))
            {
                policy.AddRequirements(new KeycardScopeRequirement(scope));
            }
        });
}
