using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace Keycard.AspNetCore;

/// <summary>The caller's token must carry every scope in <see cref="Scope"/> (space-separated); otherwise 403 insufficient_scope.</summary>
public sealed class KeycardScopeRequirement(string scope) : AuthorizationHandler<KeycardScopeRequirement>, IAuthorizationRequirement
{
    public string Scope { get; } = scope;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, KeycardScopeRequirement requirement)
    {
        var granted = (context.User.FindFirst(KeycardAuthenticationDefaults.ScopeClaim)?.Value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (requirement.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(granted.Contains))
        {
            context.Succeed(requirement);
        }
        else if (context.Resource is HttpContext http)
        {
            http.Items[KeycardAuthenticationHandler.MissingScopeItem] = requirement.Scope;
        }

        return Task.CompletedTask;
    }
}
