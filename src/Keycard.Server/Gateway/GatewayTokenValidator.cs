using Keycard.Core.Tokens;

namespace Keycard.Server.Gateway;

/// <summary>
/// The <see cref="AccessTokenValidator"/> the gateway checks every proxied request with: the very validator
/// <c>users/me</c> uses, resolved once from a scope of the gateway's own instead of from each request's scope, so a
/// proxied call creates and disposes no DI scope (with <see cref="Http.CorsWithoutScopeMiddleware"/>, nothing else on
/// its path asks for one). Sound because the validator holds no state of a request and its token store serves
/// lookups from singletons (the token cache, and a reader that leases its own DbContext per database read); requests
/// share it concurrently as they share those singletons.
/// </summary>
internal sealed class GatewayTokenValidator(IServiceScopeFactory scopes) : IDisposable
{
    private readonly IServiceScope _scope = scopes.CreateScope();

    public AccessTokenValidator Validator => field ??= _scope.ServiceProvider.GetRequiredService<AccessTokenValidator>();

    public void Dispose() => _scope.Dispose();
}
