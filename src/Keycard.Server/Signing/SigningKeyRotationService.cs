using Keycard.Storage.SigningKeys;
using Microsoft.Extensions.Options;

namespace Keycard.Server.Signing;

/// <summary>
/// Makes the first signing key at start and then, every <see cref="SigningKeyOptions.CheckInterval"/>, the next key
/// <see cref="SigningKeyOptions.PublishAhead"/> before the current one retires (issue 16; docs/security.md). Every
/// node runs it; the lock in <see cref="SigningKeyAdministration"/> makes one key between them.
/// </summary>
internal sealed partial class SigningKeyRotationService(
    DatabaseSigningKeyRing ring, TimeProvider time, IOptions<SigningKeyOptions> options, ILogger<SigningKeyRotationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
                await Task.Delay(options.Value.CheckInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                BackgroundFailure.Log(logger, ex, LogRotationDeferred, LogRotationFailed);
                await Task.Delay(TimeSpan.FromMinutes(1), time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>One step of the schedule: makes the keys that are due, then loads the ring.</summary>
    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        foreach (var key in await ring.EnsureAsync(cancellationToken))
        {
            LogKeyCreated(logger, key.KeyId, key.Algorithm, key.ActivatesAt);
        }

        await ring.GetCurrentAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Created signing key {KeyId} ({Algorithm}), signing from Unix time {ActivatesAt}")]
    private static partial void LogKeyCreated(ILogger logger, string keyId, string algorithm, long activatesAt);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Signing key rotation failed; it will run again")]
    private static partial void LogRotationFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Signing key rotation deferred: the database is unavailable ({ExceptionType}: {Reason}); it will run again in a minute")]
    private static partial void LogRotationDeferred(ILogger logger, string exceptionType, string reason);
}
