using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Keycard.Storage.Health;

/// <summary>
/// Readiness: the database answers on a fresh connection of its own (not a pooled one that may predate an outage)
/// within <see cref="Timeout"/>, and every migration this build knows is applied.
/// </summary>
internal sealed class DatabaseHealthCheck(DatabaseLocation location, IServiceScopeFactory scopes) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> known;
        await using (var scope = scopes.CreateAsyncScope())
        {
            known = [.. scope.ServiceProvider.GetRequiredService<KeycardDbContext>().Database.GetMigrations()];
        }

        HashSet<string> applied;
        try
        {
            await using var connection = OpenUnpooled();
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT \"{HistoryRepository.DefaultTableName}\".\"MigrationId\" FROM \"{HistoryRepository.DefaultTableName}\"";
            command.CommandTimeout = (int)Timeout.TotalSeconds;
            applied = [];
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetString(0));
            }
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException or OperationCanceledException)
        {
            // The exception type only: a provider's message may quote the connection string's host or file path.
            return HealthCheckResult.Unhealthy($"The database is unreachable ({ex.GetType().Name}).");
        }

        var pending = known.Count(m => !applied.Contains(m));
        return pending == 0
            ? HealthCheckResult.Healthy("The database answers and its schema is current.")
            : HealthCheckResult.Unhealthy($"{pending} database migration(s) are not applied.");
    }

    private DbConnection OpenUnpooled()
    {
        if (location.Provider == DatabaseProvider.Sqlite)
        {
            // ReadWrite, not ReadWriteCreate: a missing file is an outage, not an empty database to create.
            var sqlite = new SqliteConnectionStringBuilder(location.ConnectionString)
            {
                Mode = SqliteOpenMode.ReadWrite,
                Pooling = false,
                DefaultTimeout = (int)Timeout.TotalSeconds,
            };
            return new SqliteConnection(sqlite.ConnectionString);
        }

        var postgres = new NpgsqlConnectionStringBuilder(location.ConnectionString)
        {
            Pooling = false,
            Timeout = (int)Timeout.TotalSeconds,
            CommandTimeout = (int)Timeout.TotalSeconds,
        };
        return new NpgsqlConnection(postgres.ConnectionString);
    }
}
