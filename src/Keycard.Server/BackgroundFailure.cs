using Keycard.Storage.Faults;

namespace Keycard.Server;

/// <summary>
/// How a background check (token pruning, the signing key schedule) logs a failed run: a database that is down, frozen
/// or locked is an outage the request path already reports once per episode (<see cref="DatabaseHealth"/>), so it gets
/// one line with the exception's type and message, never a stack trace (issue 14 item 3); anything else is a fault in
/// Keycard and is logged with its stack trace.
/// </summary>
internal static class BackgroundFailure
{
    public static void Log(
        ILogger logger, Exception exception, Action<ILogger, string, string> deferred, Action<ILogger, Exception> failed)
    {
        if (DatabaseFault.FindUnavailable(exception) is { } fault)
        {
            deferred(logger, fault.GetType().Name, fault.Message);
        }
        else
        {
            failed(logger, exception);
        }
    }
}
