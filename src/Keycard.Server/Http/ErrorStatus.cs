using Keycard.Core.Errors;

namespace Keycard.Server.Http;

/// <summary>The HTTP status of each protocol error code, shared by both dialects.</summary>
internal static class ErrorStatus
{
    public static int For(ProtocolError error) => error.Code switch
    {
        // RFC 6749 §5.2: invalid_client MAY be 401; Keycard always uses 401.
        OAuthErrorCodes.InvalidClient => StatusCodes.Status401Unauthorized,
        OAuthErrorCodes.InvalidToken => StatusCodes.Status401Unauthorized,
        OAuthErrorCodes.InsufficientScope => StatusCodes.Status403Forbidden,
        OAuthErrorCodes.AccessDenied => StatusCodes.Status403Forbidden,
        OAuthErrorCodes.TooManyAttempts => StatusCodes.Status429TooManyRequests,
        OAuthErrorCodes.ServerError => StatusCodes.Status500InternalServerError,
        OAuthErrorCodes.TemporarilyUnavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status400BadRequest,
    };

    /// <summary>RFC 6585 §4 / RFC 9110 §10.2.3: tell a throttled caller when to come back.</summary>
    public static void AddRetryAfter(HttpResponse response, ProtocolError error)
    {
        if (error.RetryAfter is { } wait)
        {
            ResponseHeaders.RetryAfter(response, wait);
        }
    }
}
