using Microsoft.AspNetCore.Diagnostics;

namespace Keycard.Server.Http;

/// <summary>
/// An RFC 9457 problem details body for the 404 and 405 that routing answers on its own with nothing in them (no
/// endpoint at the path; an endpoint that does not take the method, whose <c>Allow</c> routing has set, RFC 9110
/// §15.5.6). Run by ASP.NET Core's status code pages, which act only on an answer with no body, no Content-Type and
/// nothing sent yet; an answer an endpoint gave (a bare RFC 6750 challenge, the empty 200 of a revocation, an API's own
/// 404 passed on by the gateway) is left as it is. HEAD gets the Content-Type GET would have and no body (§9.3.2).
/// </summary>
internal static class RoutingProblems
{
    private const string ContentType = "application/problem+json";

    public static Task WriteAsync(StatusCodeContext statusContext)
    {
        var context = statusContext.HttpContext;
        var status = context.Response.StatusCode;
        if (!IsRoutingsOwn(status, context.GetEndpoint()))
        {
            return Task.CompletedTask;
        }

        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.ContentType = ContentType;
            return Task.CompletedTask;
        }

        var detail = status == StatusCodes.Status404NotFound
            ? "Keycard has no endpoint at this path."
            : $"This endpoint does not take {context.Request.Method} requests; the Allow header lists the methods it takes.";
        return TypedResults.Problem(detail: detail, statusCode: status).ExecuteAsync(context);
    }

    /// <summary>
    /// A 404 with no endpoint matched, or a 405 from routing's rejection endpoint: the one endpoint with no metadata at
    /// all, where every endpoint Keycard or its gateway maps carries at least its route's.
    /// </summary>
    private static bool IsRoutingsOwn(int status, Endpoint? endpoint) => status switch
    {
        StatusCodes.Status404NotFound => endpoint is null,
        StatusCodes.Status405MethodNotAllowed => endpoint is { Metadata.Count: 0 },
        _ => false,
    };
}
