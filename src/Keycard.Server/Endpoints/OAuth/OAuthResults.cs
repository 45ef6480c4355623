using Keycard.Core.Errors;
using Keycard.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Keycard.Server.Endpoints.OAuth;

/// <summary>Maps core results to the standard dialect's responses (RFC 6749 §5.1, §5.2).</summary>
internal static class OAuthResults
{
    public static JsonHttpResult<OAuthError> Error(HttpContext context, ProtocolError error, int? statusOverride = null)
    {
        var status = statusOverride ?? ErrorStatus.For(error);
        if (status == StatusCodes.Status401Unauthorized)
        {
            // RFC 6749 §5.2: a 401 invalid_client MUST carry WWW-Authenticate matching the scheme the client used;
            // Basic is the only scheme Keycard takes, so it always offers it.
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"keycard\"";
        }

        ErrorStatus.AddRetryAfter(context.Response, error);
        ResponseHeaders.NoStore(context.Response);
        return TypedResults.Json(new OAuthError(error.Code, error.Description), OAuthJsonContext.Default.OAuthError, statusCode: status);
    }

    /// <summary>RFC 6749 §5.1: token responses carry Cache-Control: no-store.</summary>
    public static void NoStore(HttpContext context) => ResponseHeaders.NoStore(context.Response);
}
