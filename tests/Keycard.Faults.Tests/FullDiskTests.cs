using System.Net;
using Keycard.Faults.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Keycard.Faults.Tests;

/// <summary>
/// Issue 14 items 3 and 5: on a full disk, writes answer 503 temporarily_unavailable (never 500), tokens already
/// issued can still be checked, `serve` still starts (for reads) rather than refusing, and writes work again once
/// space is freed, without a restart.
/// </summary>
public sealed class FullDiskTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sqlite_DiskFull_WritesAnswer503ReadsWorkServeStartsAndWritesRecover()
    {
        await using var volume = await SmallVolume.MountAsync();
        await using var database = FaultDatabase.Sqlite(Path.Combine(volume.Path, "db"));
        var load = await TokenLoad.RegisterAsync(database.Argument);
        string issued;
        await using (var serve = await KeycardServe.StartAsync(database.Argument))
        {
            using var http = serve.CreateClient(TimeSpan.FromSeconds(60));
            Assert.Equal(HttpStatusCode.OK, await load.RequestOnceAsync(http));
            issued = load.Answered.Single();

            await volume.FillAsync();
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 2000 && !statuses.Contains(HttpStatusCode.ServiceUnavailable); i++)
            {
                statuses.Add(await load.RequestOnceAsync(http));
            }

            Assert.Contains(HttpStatusCode.ServiceUnavailable, statuses);
            Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"answered {(int)s}"));
            Assert.All(load.Refused, r => Assert.Equal("temporarily_unavailable", r.Error));
            Assert.True(await load.IsActiveAsync(http, issued));
            output.WriteLine($"full disk: {statuses.Count(s => s == HttpStatusCode.OK)} writes fitted before the first 503");
            await serve.KillAsync();
        }

        await using (var onFullDisk = await KeycardServe.StartAsync(database.Argument, within: TimeSpan.FromSeconds(60)))
        {
            using var http = onFullDisk.CreateClient(TimeSpan.FromSeconds(60));
            Assert.True(await load.IsActiveAsync(http, issued));

            volume.Free();
            var recovered = false;
            for (var i = 0; i < 100 && !recovered; i++)
            {
                recovered = await load.RequestOnceAsync(http) == HttpStatusCode.OK;
                if (!recovered)
                {
                    await Task.Delay(100);
                }
            }

            Assert.True(recovered, "writes did not recover after space was freed:\n" + onFullDisk.Log);
        }

        FaultRun.Report(output, $"full disk (8 MiB tmpfs): 503 temporarily_unavailable for writes, issued token still active, serve started on the full disk, writes recovered without restart");
    }
}
