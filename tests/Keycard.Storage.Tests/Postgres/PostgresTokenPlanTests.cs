using Keycard.Storage.Tests.Infrastructure;
using Keycard.Storage.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Keycard.Storage.Tests.Postgres;

/// <summary>
/// Issue 14 item 8: the token writer prepares its batch statement on its long-lived connection, so the plan PostgreSQL
/// picks for it is the one every later batch runs. On a tokens table not yet analysed (a new deployment),
/// "RevokedAt IS NULL" let the planner pick the RevokedAt index, whose IS NULL range is every live token: each
/// exchange then scanned the whole table. The batch's exchanges must find their rows through the primary key.
/// </summary>
public sealed class PostgresTokenPlanTests(PostgresTestDatabase database) : IClassFixture<PostgresTestDatabase>
{
    [SkippableFact]
    public async Task ExchangeMany_TableNeverAnalysed_FindsTheRowsThroughThePrimaryKey()
    {
        Skip.If(database.Unavailable is not null, database.Unavailable);
        var text = await database.InScopeAsync(services =>
            Task.FromResult(TokenSql.For(services.GetRequiredService<KeycardDbContext>()).ExchangeMany));

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
        await ExecuteAsync(connection, TokenSql.PostgresWriterSetup);
        // The writer's parameter types, in TokenSql's column order, then the spent hashes, their times and the owners.
        await ExecuteAsync(connection, "PREPARE exchange(bytea[], integer[], text[], integer[], text[], boolean[], text[], text[], text[], " +
            $"bigint[], bigint[], bigint[], bigint[], text[], bigint[], text[], text[], bytea[], bigint[], integer[]) AS {text}");

        await using var explain = new NpgsqlCommand($"EXPLAIN EXECUTE exchange({string.Join(", ", Enumerable.Repeat("NULL", 20))})", connection);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        var joined = string.Join('\n', plan);
        Assert.Contains("Index Scan using \"PK_tokens\" on tokens t", joined);
        Assert.Contains("Index Cond: (\"Hash\" = spend.hash)", joined);
        Assert.DoesNotContain("RevokedAt\"", System.Text.RegularExpressions.Regex.Replace(joined, @"COALESCE\([^)]*\)", string.Empty));
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [SkippableFact]
    public async Task ApplyBatch_WritersSession_HasSequentialScansOff()
    {
        Skip.If(database.Unavailable is not null, database.Unavailable);
        var setting = await database.InScopeAsync(async services =>
        {
            var db = services.GetRequiredService<KeycardDbContext>();
            var store = services.GetRequiredService<EfTokenStore>();
            store.OpenForWriting();
            store.ApplyBatch([new TokenWrite(null, default, [])]);
            store.ApplyBatch([new TokenWrite(new byte[32], TestDatabase.Start, [])]);
            await using var show = new NpgsqlCommand("SHOW enable_seqscan", (NpgsqlConnection)db.Database.GetDbConnection());
            return (string?)await show.ExecuteScalarAsync();
        });

        Assert.Equal("off", setting);
    }

    [SkippableFact]
    public async Task ApplyBatch_ConnectionClosedAndOpenedAgain_SetsTheSessionUpAgain()
    {
        Skip.If(database.Unavailable is not null, database.Unavailable);
        var setting = await database.InScopeAsync(async services =>
        {
            var db = services.GetRequiredService<KeycardDbContext>();
            var store = services.GetRequiredService<EfTokenStore>();
            // Without OpenForWriting each batch opens and closes the connection; Npgsql resets a session it gets back.
            store.ApplyBatch([new TokenWrite(new byte[32], TestDatabase.Start, [])]);
            await db.Database.OpenConnectionAsync();
            store.ApplyBatch([new TokenWrite(new byte[32], TestDatabase.Start, [])]);
            await using var show = new NpgsqlCommand("SHOW enable_seqscan", (NpgsqlConnection)db.Database.GetDbConnection());
            return (string?)await show.ExecuteScalarAsync();
        });

        Assert.Equal("off", setting);
    }
}
