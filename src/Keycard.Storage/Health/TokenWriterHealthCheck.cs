using Keycard.Storage.Tokens;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Keycard.Storage.Health;

/// <summary>Readiness: the token writer's thread is alive, so issued tokens can become durable.</summary>
internal sealed class TokenWriterHealthCheck(TokenWriteBatcher writer) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
        Task.FromResult(writer.IsRunning
            ? HealthCheckResult.Healthy("The token writer is running.")
            : HealthCheckResult.Unhealthy("The token writer has stopped."));
}
