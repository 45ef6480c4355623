using Keycard.Server.Http;

namespace Keycard.Server.Endpoints.Login;

/// <summary>A redirect with an explicit status: 303 See Other after a POST (RFC 9110 §15.4.4).</summary>
internal sealed class SeeOther(string location, int status = StatusCodes.Status303SeeOther) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = status;
        httpContext.Response.Headers.Location = location;
        ResponseHeaders.NoStore(httpContext.Response);
        return Task.CompletedTask;
    }
}
