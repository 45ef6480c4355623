namespace Keycard.Server.Logging;

/// <summary>
/// One console line per request: method, path, status and time. Never the query string (the guide sends
/// <c>?access_token=</c> in it; RFC 6750 §5.3) nor any header, where the iOFFICE dialect carries passwords and tokens.
/// The path is redacted here (<see cref="LoggedPath"/>), so <see cref="RedactingLoggerFactory"/> hands this category
/// the plain logger: the line is formatted once, by the console, and costs nothing when the level is off.
/// </summary>
internal sealed partial class RequestLogMiddleware(RequestDelegate next, ILoggerFactory loggers, TimeProvider time)
{
    public const string Category = "Keycard.Requests";

    private readonly ILogger _logger = loggers.CreateLogger(Category);

    /// <summary>With the line off (Keycard.Requests below Information) the request passes straight through: no timing, no state machine.</summary>
    public Task InvokeAsync(HttpContext context) => _logger.IsEnabled(LogLevel.Information) ? LogAsync(context) : next(context);

    private async Task LogAsync(HttpContext context)
    {
        var started = time.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var elapsedMs = (long)time.GetElapsedTime(started).TotalMilliseconds;
            var path = LoggedPath(context.Request);
            LogRequest(_logger, context.Request.Method, path, context.Response.StatusCode, elapsedMs);
        }
    }

    /// <summary>
    /// The path in its escaped form (a decoded %0A never splits a console line), with credential-bearing path
    /// parameters such as <c>;access_token=</c> blanked (RFC 6750 §5.3). The usual path is returned as it is: no copy.
    /// </summary>
    internal static string LoggedPath(HttpRequest request)
    {
        var path = request.PathBase.HasValue ? request.PathBase.Add(request.Path) : request.Path;
        var text = path.ToUriComponent();
        return LogRedaction.NeedsRedaction(text) ? LogRedaction.Redact(text) : text;
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "{Method} {Path} -> {StatusCode} in {ElapsedMs} ms")]
    private static partial void LogRequest(ILogger logger, string method, string path, int statusCode, long elapsedMs);
}
