using Keycard.Core.Signing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Keycard.Storage.Health;

/// <summary>Readiness: a signing key is loaded (decrypted with the key-encryption key), so tokens can be signed.</summary>
internal sealed class SigningKeysHealthCheck(ISigningKeyRing ring) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        try
        {
            var key = await ring.GetCurrentAsync(cancellationToken);
            return HealthCheckResult.Healthy($"Signing key {key.KeyId} ({key.Algorithm}) is loaded.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("No signing key is loaded: " + ex.GetType().Name);
        }
    }
}
