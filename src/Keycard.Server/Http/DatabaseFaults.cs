using Keycard.Core.Errors;
using Keycard.Storage.Faults;

namespace Keycard.Server.Http;

/// <summary>
/// The one place an exception becomes "the database is unavailable": a 503 <c>temporarily_unavailable</c> with
/// Retry-After (RFC 6749 §4.1.2.1 and §5.2; RFC 9110 §10.2.3) in the route's error shape, reported to
/// <see cref="DatabaseHealth"/> (which logs the episode once) instead of a 500 and a stack trace per request.
/// </summary>
internal static class DatabaseFaults
{
    /// <summary>What a client is told to wait: about how long a restarted database or a failover takes to answer.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>The 503 error for <paramref name="exception"/> when it says the database is unavailable; null otherwise.</summary>
    public static ProtocolError? Classify(HttpContext context, Exception? exception)
    {
        if (DatabaseFault.FindUnavailable(exception) is not { } fault)
        {
            return null;
        }

        context.RequestServices.GetRequiredService<DatabaseHealth>().ReportFault(fault);
        return new ProtocolError(OAuthErrorCodes.TemporarilyUnavailable, "The database is temporarily unavailable; try again shortly.")
        {
            RetryAfter = RetryAfter,
        };
    }

    /// <summary>The exception handler middleware logs every exception it handles with its stack trace; a database
    /// outage is logged once per episode by <see cref="DatabaseHealth"/> instead.</summary>
    public static bool SuppressDiagnostics(Exception exception) => DatabaseFault.FindUnavailable(exception) is not null;
}
