using System.Net;
using System.Text.Json;
using Keycard.Server.Tests.Infrastructure;
using Keycard.Storage;
using Keycard.Storage.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Keycard.Server.Tests.Health;

/// <summary><c>/healthz</c> (the process answers) and <c>/readyz</c> (database reachable and migrated, token writer running).</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Healthz_ServerRunning_Answers200()
    {
        using var factory = await new KeycardFactory().SeedAsync();

        using var response = await factory.CreateClient().GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", (await ReadAsync(response)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readyz_DatabaseGoneThenBack_Answers503WithReasonThen200()
    {
        using var factory = await new KeycardFactory().SeedAsync();
        var http = factory.CreateClient();
        using (var ready = await http.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            var checks = (await ReadAsync(ready)).GetProperty("checks");
            Assert.Equal("Healthy", checks.GetProperty("database").GetProperty("status").GetString());
            Assert.Equal("Healthy", checks.GetProperty("token-writer").GetProperty("status").GetString());
        }

        // The file disappears (an unmounted volume, a mistaken delete): readiness must notice on its own connection,
        // whatever the pooled connections still hold open.
        var away = factory.DatabasePath + ".away";
        File.Move(factory.DatabasePath, away);
        try
        {
            using var down = await http.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            var database = (await ReadAsync(down)).GetProperty("checks").GetProperty("database");
            Assert.Equal("Unhealthy", database.GetProperty("status").GetString());
            Assert.Contains("unreachable", database.GetProperty("description").GetString(), StringComparison.Ordinal);

            using var live = await http.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            File.Move(away, factory.DatabasePath);
        }

        using var back = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
    }

    [Fact]
    public async Task DatabaseCheck_PostgresOnClosedPort_UnhealthyWithinTimeout()
    {
        var location = DatabaseLocation.Parse("Host=127.0.0.1;Port=1;Username=keycard;Password=keycard;Database=keycard");
        await using var services = new ServiceCollection().AddLogging().AddKeycardStorage(location).BuildServiceProvider();
        var check = new DatabaseHealthCheck(location, services.GetRequiredService<IServiceScopeFactory>());
        var started = TimeProvider.System.GetTimestamp();

        var result = await check.CheckHealthAsync(new HealthCheckContext(), CancellationToken.None);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.DoesNotContain("Password", result.Description, StringComparison.OrdinalIgnoreCase);
        Assert.True(TimeProvider.System.GetElapsedTime(started) < DatabaseHealthCheck.Timeout + TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Readyz_MigrationMissing_Answers503()
    {
        using var factory = await new KeycardFactory().SeedAsync();
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + factory.DatabasePath + ";Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = (SELECT MAX(\"MigrationId\") FROM \"__EFMigrationsHistory\")";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        using var response = await factory.CreateClient().GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var description = (await ReadAsync(response)).GetProperty("checks").GetProperty("database").GetProperty("description").GetString();
        Assert.Contains("1 database migration(s) are not applied", description, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
