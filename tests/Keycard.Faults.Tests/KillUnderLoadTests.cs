using Keycard.Faults.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Keycard.Faults.Tests;

/// <summary>
/// Issue 14: "no answered token was ever lost: keep it that way". Write load, then kill -9 (or SIGTERM) at a random
/// moment; after a restart every token that was answered 200 must still be active. Keycard answers only after the
/// token's commit is durable (group commit, synchronous=FULL on SQLite, synchronous_commit=on on PostgreSQL).
/// </summary>
public sealed class KillUnderLoadTests(ITestOutputHelper output)
{
    private const int Workers = 16;

    [Fact]
    public Task Sqlite_KilledUnderWriteLoad_EveryAnsweredTokenIsActiveAfterRestart() =>
        KillUnderLoadAsync(FaultDatabase.Sqlite(), "SQLite");

    [SkippableFact]
    public async Task Postgres_KilledUnderWriteLoad_EveryAnsweredTokenIsActiveAfterRestart()
    {
        Skip.If(PostgresServer.SkipReason is not null, PostgresServer.SkipReason);
        await KillUnderLoadAsync(await FaultDatabase.PostgresAsync(), "PostgreSQL");
    }

    [Fact]
    public async Task Sqlite_TerminatedUnderWriteLoad_ExitsCleanlyAndKeepsEveryAnsweredToken()
    {
        await using var database = FaultDatabase.Sqlite();
        var load = await TokenLoad.RegisterAsync(database.Argument);
        int exitCode;
        await using (var serve = await KeycardServe.StartAsync(database.Argument))
        {
            using var stop = new CancellationTokenSource();
            var running = load.RunAsync(serve, Workers, stop.Token);
            await WarmUpAsync(load, 0);
            await Task.Delay(1000);
            exitCode = await serve.TerminateAsync(TimeSpan.FromSeconds(30));
            await stop.CancelAsync();
            await running;
        }

        await using var restarted = await KeycardServe.StartAsync(database.Argument);
        var lost = await load.FindLostAsync(restarted);

        FaultRun.Report(output, $"SIGTERM under load (SQLite): exit code {exitCode}, {load.Answered.Count} answered tokens, {lost.Count} lost");
        Assert.Equal(0, exitCode);
        Assert.NotEmpty(load.Answered);
        Assert.Empty(lost);
    }

    private async Task KillUnderLoadAsync(FaultDatabase database, string name)
    {
        await using var _ = database;
        var random = new Random();
        var load = await TokenLoad.RegisterAsync(database.Argument);
        for (var kill = 0; kill < FaultRun.LoadKills; kill++)
        {
            await using var serve = await KeycardServe.StartAsync(database.Argument);
            using var stop = new CancellationTokenSource();
            var answeredBefore = load.Answered.Count;
            var running = load.RunAsync(serve, Workers, stop.Token);
            await WarmUpAsync(load, answeredBefore);
            await Task.Delay(random.Next(500, 2000));
            await serve.KillAsync();
            await stop.CancelAsync();
            await running;
        }

        await using var restarted = await KeycardServe.StartAsync(database.Argument);
        var lost = await load.FindLostAsync(restarted);

        FaultRun.Report(output, $"kill -9 under load ({name}): {FaultRun.LoadKills} kills, {load.Answered.Count} answered tokens, {lost.Count} lost");
        Assert.NotEmpty(load.Answered);
        Assert.Empty(lost);
    }

    /// <summary>
    /// The first requests of a fresh process are slow (JIT, connections) and on a loaded machine can take seconds:
    /// the fault lands only once the load is flowing.
    /// </summary>
    private static async Task WarmUpAsync(TokenLoad load, int answeredBefore)
    {
        var timer = System.Diagnostics.Stopwatch.StartNew();
        while (load.Answered.Count < answeredBefore + Workers && timer.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(20);
        }
    }
}
