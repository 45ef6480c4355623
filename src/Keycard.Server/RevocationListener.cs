using Keycard.Storage;
using Keycard.Storage.Caching;
using Keycard.Storage.Tokens;
using Npgsql;

namespace Keycard.Server;

/// <summary>
/// PostgreSQL: listens for revocations made through other nodes (<see cref="RevocationBroadcast"/>) and applies them to
/// this node's cache at once, so a token revoked anywhere is refused everywhere without waiting out the cache duration.
/// One unpooled connection; if it breaks, it reconnects every second, and meanwhile the cache duration bounds
/// revocation as before.
/// </summary>
internal sealed partial class RevocationListener(
    DatabaseLocation location, StoreCache cache, TimeProvider time, ILogger<RevocationListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (location.Provider != DatabaseProvider.Postgres || !cache.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Keep-alives notice a database that went away while the connection only waits.
                var builder = new NpgsqlConnectionStringBuilder(location.ConnectionString) { Pooling = false, KeepAlive = 10 };
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                connection.Notification += (_, e) => RevocationBroadcast.Apply(cache, e.Payload);
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand("LISTEN " + RevocationBroadcast.Channel, connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                LogListenFailed(logger, ex.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Listening for other nodes' revocations failed ({ExceptionType}); reconnecting, meanwhile the cache duration bounds them")]
    private static partial void LogListenFailed(ILogger logger, string exceptionType);
}
