namespace Keycard.Server.Logging;

/// <summary>
/// One console line per request: method, path, status and time. Never the query string (the guide sends
/// <c>?access_token=</c> in it; RFC 6750 §5.3) nor any header, where the iOFFICE dialect carries passwords and tokens.
/// </summary>
internal sealed partial class RequestLogMiddleware(RequestDelegate next, ILoggerFactory loggers, TimeProvider time)
{
    public const string Category = "Keycard.Requests";

    private readonly ILogger _logger = loggers.CreateLogger(Category);

    public async Task InvokeAsync(HttpContext context)
    {
        var started = time.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            if (_logger.IsEnabled(LogLevel.Information))
            {
                var path = context.Request.PathBase.Add(context.Request.Path);
                var elapsedMs = (long)time.GetElapsedTime(started).TotalMilliseconds;
                LogRequest(_logger, context.Request.Method, path, context.Response.StatusCode, elapsedMs);
            }
        }
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "{Method} {Path} -> {StatusCode} in {ElapsedMs} ms")]
    private static partial void LogRequest(ILogger logger, string method, PathString path, int statusCode, long elapsedMs);
}
