using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Storage.Health;

public static class KeycardHealthChecks
{
    /// <summary>The tag of the checks <c>/readyz</c> runs; <c>/healthz</c> runs none (the process answers, so it lives).</summary>
    public const string ReadyTag = "ready";

    /// <summary>Adds the storage's readiness checks: the database (reachable, migrated), the token writer, the signing keys.</summary>
    public static IHealthChecksBuilder AddKeycardStorageChecks(this IHealthChecksBuilder builder) => builder
        .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag], timeout: DatabaseHealthCheck.Timeout + TimeSpan.FromSeconds(1))
        .AddCheck<TokenWriterHealthCheck>("token-writer", tags: [ReadyTag])
        .AddCheck<SigningKeysHealthCheck>("signing-keys", tags: [ReadyTag]);
}
