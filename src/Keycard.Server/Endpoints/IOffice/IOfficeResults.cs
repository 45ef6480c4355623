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
        ResponseHeaders.NoStore(context.Response);
        return TypedResults.Json(new IOfficeError(status, error.Code, error.Description), Json.KeycardJsonContext.Default.IOfficeError, statusCode: status);
    }

    /// <summary>RFC 6749 §5.1: token responses carry Cache-Control: no-store.</summary>
    public static void NoStore(HttpContext context) => ResponseHeaders.NoStore(context.Response);
}
