using Keycard.Core.Errors;
using Keycard.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Keycard.Server.Endpoints.IOffice;

/// <summary>Maps core results to the iOFFICE dialect's JSON shapes.</summary>
internal static class IOfficeResults
{
    public static JsonHttpResult<IOfficeError> Error(HttpContext context, ProtocolError error, int? statusOverride = null)
    {
        var status = statusOverride ?? ErrorStatus.For(error);
        ErrorStatus.AddRetryAfter(context.Response, error);
        NoStore(context);
        return TypedResults.Json(new IOfficeError(status, error.Code, error.Description), Json.KeycardJsonContext.Default.IOfficeError, statusCode: status);
    }

    /// <summary>RFC 6749 §5.1: token responses carry Cache-Control: no-store (and Pragma: no-cache for HTTP/1.0 caches).</summary>
    public static void NoStore(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
    }
}
