using Keycard.Storage.Tests.Infrastructure;
using Keycard.Storage.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Keycard.Storage.Tests.Postgres;

/// <summary>
/// Issue 14 item 8: the token writer prepares the exchange on its long-lived connection, so the plan PostgreSQL picks
/// for it the first time is the one every later exchange runs. On a tokens table not yet analysed (a new deployment),
/// "RevokedAt IS NULL" let the planner pick the RevokedAt index, whose IS NULL range is every live token: each
/// exchange then scanned the whole table.
/// </summary>
public sealed class PostgresTokenPlanTests(PostgresTestDatabase database) : IClassFixture<PostgresTestDatabase>
{
    [SkippableFact]
    public async Task Consume_TableNeverAnalysed_FindsTheRowThroughThePrimaryKey()
    {
        Skip.If(database.Unavailable is not null, database.Unavailable);
        var text = await database.InScopeAsync(services =>
            Task.FromResult(TokenSql.For(services.GetRequiredService<KeycardDbContext>()).ConsumeByPosition));

        await using var connection = new NpgsqlConnection(database.Location.ConnectionString);
        await connection.OpenAsync();
        // Some live tokens and no statistics: autovacuum must not analyse the table while the test runs.
        await ExecuteAsync(connection, "ALTER TABLE tokens SET (autovacuum_enabled = false)");
        await ExecuteAsync(connection, """
            INSERT INTO tokens ("Hash", "Kind", "ClientId", "Scope", "ScopeOpen", "FamilyId", "CreatedAt", "ExpiresAt")
            SELECT sha256(i::text::bytea), 2, 'plan-client', 'email', false, 'plan-family-' || (i % 64), 1, 2
            FROM generate_series(1, 200) AS i
            """);
        await ExecuteAsync(connection, "SET plan_cache_mode = force_generic_plan");
        await ExecuteAsync(connection, $"PREPARE consume(bigint, bytea) AS {text}");

        await using var explain = new NpgsqlCommand("EXPLAIN EXECUTE consume(1, '\\x00')", connection);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        var joined = string.Join('\n', plan);
        Assert.Contains("Index Scan using \"PK_tokens\"", joined);
        Assert.DoesNotContain("RevokedAt\"", joined.Replace("COALESCE(\"ConsumedAt\", \"RevokedAt\")", string.Empty, StringComparison.Ordinal));
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
