using Keycard.Core.Errors;

namespace Keycard.Server.Http;

/// <summary>
/// The one way an error leaves Keycard outside an endpoint's own result (input guard, rate limiter, unhandled
/// exceptions): the status, <c>Cache-Control: no-store</c> and Retry-After here, the body in the shape of the dialect
/// the route's group is marked with (<see cref="IErrorDialect"/> metadata), or the default dialect for unmapped paths.
/// </summary>
internal static class ErrorWriter
{
    public static Task WriteAsync(HttpContext context, ProtocolError error, int? status = null, Endpoint? endpoint = null)
    {
        var code = status ?? ErrorStatus.For(error);
        var response = context.Response;
        response.StatusCode = code;
        ResponseHeaders.NoStore(response);
        if (error.RetryAfter is { } wait)
        {
            ResponseHeaders.RetryAfter(response, wait);
        }

        return DialectOf(context, endpoint ?? context.GetEndpoint()).WriteBodyAsync(context, error, code);
    }

    private static IErrorDialect DialectOf(HttpContext context, Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<IErrorDialect>() ?? context.RequestServices.GetRequiredService<IErrorDialect>();
}
