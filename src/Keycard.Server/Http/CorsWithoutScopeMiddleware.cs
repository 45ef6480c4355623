using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Keycard.Server.Http;

/// <summary>
/// ASP.NET Core's <see cref="CorsMiddleware"/>, unchanged, handed Keycard's policy provider (a singleton,
/// <see cref="ClientOriginCorsPolicyProvider"/>) once instead of on every request. <c>UseCors()</c> resolves the
/// provider from <see cref="HttpContext.RequestServices"/> per request, which creates the request's DI scope even for a
/// request without an <c>Origin</c> header, where CORS does nothing; a proxied gateway call needs no scope otherwise.
/// </summary>
internal sealed class CorsWithoutScopeMiddleware(RequestDelegate next, ICorsService cors, ICorsPolicyProvider policies, ILoggerFactory loggers)
{
    private readonly CorsMiddleware _inner = new(next, cors, loggers);

    public Task InvokeAsync(HttpContext context) => _inner.Invoke(context, policies);
}
