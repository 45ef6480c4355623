using Microsoft.Extensions.Logging;

namespace Keycard.Storage.Faults;

/// <summary>
/// Whether the database answered the last time it was asked. A fault episode starts with the first operation that
/// found the database unavailable and ends with the first one that succeeds; each start and end is logged once, so an
/// outage under load costs two log lines, not one stack trace per request. A readiness check can read
/// <see cref="IsUnavailable"/> to have load balancers eject the node meanwhile.
/// </summary>
public sealed partial class DatabaseHealth(ILogger<DatabaseHealth> logger)
{
    private int _unavailable;
    private long _faults;

    public bool IsUnavailable => Volatile.Read(ref _unavailable) == 1;

    /// <summary>Requests answered 503 because of the database since the process started.</summary>
    public long Faults => Interlocked.Read(ref _faults);

    public void ReportFault(Exception fault)
    {
        Interlocked.Increment(ref _faults);
        if (Interlocked.Exchange(ref _unavailable, 1) == 0)
        {
            // The type and the provider's message ("database or disk is full", "Connection refused"): no stack trace.
            LogUnavailable(logger, fault.GetType().Name, fault.Message);
        }
    }

    /// <summary>Cheap on the hot path: one volatile read unless an episode is ending.</summary>
    public void ReportSuccess()
    {
        if (Volatile.Read(ref _unavailable) == 1 && Interlocked.Exchange(ref _unavailable, 0) == 1)
        {
            LogAvailable(logger);
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Error, Message = "The database is unavailable ({ExceptionType}: {Reason}); answering 503 until it returns")]
    private static partial void LogUnavailable(ILogger logger, string exceptionType, string reason);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "The database is available again")]
    private static partial void LogAvailable(ILogger logger);
}
