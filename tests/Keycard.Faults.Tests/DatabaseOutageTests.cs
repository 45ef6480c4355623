using System.Diagnostics;
using System.Net;
using Keycard.Faults.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Keycard.Faults.Tests;

/// <summary>
/// Issue 14 items 3 and 4: while the database is frozen, stopped or locked, requests that need it answer 503
/// temporarily_unavailable with Retry-After (RFC 6749 §5.2) within the database deadline, never a 500 and never a hang;
/// the outage is logged once, without a stack trace; and service returns by itself when the database does.
/// </summary>
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    // Each database operation has the deadline; before its write a token request may make two (the client and its
    // failure counter, when not cached), plus the time a loaded two-core machine may take to schedule the answer.
    private static readonly TimeSpan AnswerBound = (2 * Deadline) + TimeSpan.FromSeconds(3);

    private static readonly string[] Settings = [$"--Keycard:DatabaseTimeout={Deadline}"];

    [Fact]
    public async Task Sqlite_WriteLockHeldByAnotherProcess_Answers503WithinTheDeadlineAndRecoversWithoutRestart()
    {
        await using var database = FaultDatabase.Sqlite();
        var load = await TokenLoad.RegisterAsync(database.Argument);
        await using var serve = await KeycardServe.StartAsync(database.Argument, Settings);
        using var http = serve.CreateClient(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, await load.RequestOnceAsync(http));

        await using (var blocker = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database.Argument, Pooling = false }.ConnectionString))
        {
            await blocker.OpenAsync();
            await using var begin = blocker.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync();
            await AssertUnavailableAsync(load, http, requests: 4);
        }

        var recovery = await WaitForServiceAsync(load, http);
        FaultRun.Report(output, $"SQLite write lock held: {Describe(load)}; served again {recovery.TotalMilliseconds:0} ms after the lock was released");
        AssertLoggedOncePerEpisode(serve, episodes: 1);
    }

    [SkippableFact]
    public async Task Postgres_FrozenThenStopped_Answers503WithinTheDeadlineAndRecoversWithoutRestart()
    {
        Skip.If(PostgresServer.SkipReason is not null, PostgresServer.SkipReason);
        await using var cluster = await ThrowawayPostgres.StartAsync();
        await using var database = await FaultDatabase.PostgresAsync(cluster.ConnectionString);
        var load = await TokenLoad.RegisterAsync(database.Argument);
        await using var serve = await KeycardServe.StartAsync(database.Argument, Settings);
        using var http = serve.CreateClient(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, await load.RequestOnceAsync(http));

        await cluster.FreezeAsync();
        try
        {
            await AssertUnavailableAsync(load, http, requests: 3);
        }
        finally
        {
            await cluster.ThawAsync();
        }

        var afterThaw = await WaitForServiceAsync(load, http);

        await cluster.StopAsync();
        await AssertUnavailableAsync(load, http, requests: 3);
        await cluster.StartAgainAsync();
        var afterStart = await WaitForServiceAsync(load, http);

        FaultRun.Report(output, $"PostgreSQL frozen (SIGSTOP) then stopped: {Describe(load)}; served again {afterThaw.TotalMilliseconds:0} ms after SIGCONT, " +
            $"{afterStart.TotalMilliseconds:0} ms after the restart");
        AssertLoggedOncePerEpisode(serve, episodes: 2);
    }

    [SkippableFact]
    public async Task Postgres_Frozen_TokenLookupsAnswer503WithinTheDeadline()
    {
        // Issue 14 items 4 and 8: token lookups on PostgreSQL go through their own multiplexed Npgsql pool; a frozen
        // database must still fail them within the deadline (RFC 6749 §5.2 temporarily_unavailable), never hang them.
        Skip.If(PostgresServer.SkipReason is not null, PostgresServer.SkipReason);
        await using var cluster = await ThrowawayPostgres.StartAsync();
        await using var database = await FaultDatabase.PostgresAsync(cluster.ConnectionString);
        var load = await TokenLoad.RegisterAsync(database.Argument);

        // The client and its failure counter stay cached, so a refresh's one database operation is the token lookup.
        await using var serve = await KeycardServe.StartAsync(database.Argument, [.. Settings, "--Keycard:Cache:Duration=00:01:00"]);
        using var http = serve.CreateClient(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, await load.RequestOnceAsync(http));
        Assert.Equal(HttpStatusCode.BadRequest, await load.RefreshOnceAsync(http, "not-a-refresh-token"));

        await cluster.FreezeAsync();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var timer = Stopwatch.StartNew();
                Assert.Equal(HttpStatusCode.ServiceUnavailable, await load.RefreshOnceAsync(http, $"unknown-{i}"));
                Assert.True(timer.Elapsed < AnswerBound, $"the 503 took {timer.Elapsed.TotalSeconds:0.0} s");
            }
        }
        finally
        {
            await cluster.ThawAsync();
        }

        var unavailable = load.Refused.Where(r => r.Status == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.Equal(3, unavailable.Count);
        Assert.All(unavailable, r => Assert.Equal("temporarily_unavailable", r.Error));
        Assert.All(unavailable, r => Assert.False(string.IsNullOrEmpty(r.RetryAfter)));
        var timerAfter = Stopwatch.StartNew();
        while (await load.RefreshOnceAsync(http, "not-a-refresh-token") != HttpStatusCode.BadRequest)
        {
            Assert.True(timerAfter.Elapsed < TimeSpan.FromSeconds(60), "token lookups did not recover within 60 s of SIGCONT");
            await Task.Delay(100);
        }

        var took = unavailable.Select(r => r.Took.TotalMilliseconds).Order().ToList();
        FaultRun.Report(output, $"PostgreSQL frozen: 3 token lookups answered 503 in {took[0]:0}-{took[^1]:0} ms; looked up again {timerAfter.Elapsed.TotalMilliseconds:0} ms after SIGCONT");
    }

    private static async Task AssertUnavailableAsync(TokenLoad load, HttpClient http, int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            var timer = Stopwatch.StartNew();
            var status = await load.RequestOnceAsync(http);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.True(timer.Elapsed < AnswerBound, $"the 503 took {timer.Elapsed.TotalSeconds:0.0} s");
        }

        Assert.All(load.Refused, r => Assert.Equal("temporarily_unavailable", r.Error));
        Assert.All(load.Refused, r => Assert.False(string.IsNullOrEmpty(r.RetryAfter)));
    }

    private static async Task<TimeSpan> WaitForServiceAsync(TokenLoad load, HttpClient http)
    {
        var timer = Stopwatch.StartNew();
        while (timer.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (await load.RequestOnceAsync(http) == HttpStatusCode.OK)
            {
                return timer.Elapsed;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("Keycard did not serve again within 60 s of the database's return.");
    }

    private static string Describe(TokenLoad load)
    {
        var took = load.Refused.Select(r => r.Took.TotalMilliseconds).Order().ToList();
        return $"{took.Count} answers 503 temporarily_unavailable (Retry-After {load.Refused.First().RetryAfter} s) in {took[0]:0}-{took[^1]:0} ms";
    }

    private static void AssertLoggedOncePerEpisode(KeycardServe serve, int episodes)
    {
        var lines = serve.Log.Split('\n');
        var unavailable = lines.Count(l => l.Contains("The database is unavailable", StringComparison.Ordinal));
        Assert.InRange(unavailable, 1, episodes);
        var trace = Array.FindIndex(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.True(trace < 0, "a stack trace was logged:\n" + string.Join('\n', lines[Math.Max(0, trace - 6)..Math.Min(lines.Length, trace + 2)]));
    }
}
