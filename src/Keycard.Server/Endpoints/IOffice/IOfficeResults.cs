using Keycard.Core.Errors;
using Keycard.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Keycard.Server.Endpoints.IOffice;

/// <summary>Maps core results to the iOFFICE dialect's JSON shapes.</summary>
internal static class IOfficeResults
{
    public static JsonHttpResult<IOfficeError> Error(HttpContext context, ProtocolError error, int? statusOverride = null)
    {
        var status = statusOverride ?? ErrorStatus.For(error);
        if (status == StatusCodes.Status401Unauthorized && !context.Response.Headers.ContainsKey(HeaderNames.WWWAuthenticate))
        {
            // RFC 9110 §15.5.2: a 401 MUST carry a challenge (older Android HttpURLConnection versions throw "No
            // authentication challenges found" on one without). Always Bearer (RFC 6750 §3), never Basic, which would
            // pop the browser's password dialog over the guide's XHR clients. A token refused carries its error (§3.1);
            // an invalid_client carries none: the client authenticated with x- headers, which no HTTP scheme names, and
            // the body says what failed.
            context.Response.Headers.WWWAuthenticate = error.Code == OAuthErrorCodes.InvalidToken ? BearerChallenge.For(error) : BearerChallenge.Bare;
        }

        ErrorStatus.AddRetryAfter(context.Response, error);
        ResponseHeaders.NoStore(context.Response);
        return TypedResults.Json(new IOfficeError(status, error.Code, IOfficeParameterNames.Describe(error)), Json.KeycardJsonContext.Default.IOfficeError, statusCode: status);
    }

    /// <summary>RFC 6749 §5.1: token responses carry Cache-Control: no-store.</summary>
    public static void NoStore(HttpContext context) => ResponseHeaders.NoStore(context.Response);
}
