using Keycard.Core.Storage;
using Microsoft.Extensions.Options;

namespace Keycard.Server;

/// <summary>
/// Keeps the token table bounded: deletes expired and revoked codes and tokens in small batches, so no delete
/// holds a lock for long, with a pause between batches for the request traffic.
/// </summary>
internal sealed partial class TokenPruningService(
    IServiceScopeFactory scopes, TimeProvider time, IOptions<KeycardServerOptions> options, ILogger<TokenPruningService> logger) : BackgroundService
{
    public const int BatchSize = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.PruneInterval, time, stoppingToken);
                var removed = await PruneAsync(scopes, time.GetUtcNow() - options.Value.PruneRetention, stoppingToken);
                if (removed > 0)
                {
                    LogPruned(logger, removed);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                BackgroundFailure.Log(logger, ex, LogPruneDeferred, LogPruneFailed);
            }
        }
    }

    public static async Task<int> PruneAsync(IServiceScopeFactory scopes, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        // Sign-in sessions expired or ended before the cutoff: a cookie naming one is refused either way.
        await using (var sessionScope = scopes.CreateAsyncScope())
        {
            await sessionScope.ServiceProvider.GetRequiredService<ISignInSessionStore>().PruneAsync(cutoff, cancellationToken);
        }

        var total = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var tokens = scope.ServiceProvider.GetRequiredService<ITokenStore>();
            var removed = await tokens.PruneAsync(cutoff, BatchSize, cancellationToken);
            total += removed;
            if (removed < BatchSize)
            {
                return total;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Pruned {Count} expired or revoked codes and tokens")]
    private static partial void LogPruned(ILogger logger, int count);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Token pruning failed; it will run again")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Token pruning deferred: the database is unavailable ({ExceptionType}: {Reason}); it will run again at the next interval")]
    private static partial void LogPruneDeferred(ILogger logger, string exceptionType, string reason);
}
