namespace Keycard.Server.Logging;

/// <summary>Hands out <see cref="RedactingLogger"/>s over the real factory, which the container owns and disposes.</summary>
internal sealed class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    /// <summary>
    /// The one category that redacts its own values before logging (<see cref="RequestLogMiddleware.LoggedPath"/>), and
    /// logs one line per request: inspecting it again would format every line twice.
    /// </summary>
    public ILogger CreateLogger(string categoryName) =>
        categoryName == RequestLogMiddleware.Category ? inner.CreateLogger(categoryName) : new RedactingLogger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
    }
}
