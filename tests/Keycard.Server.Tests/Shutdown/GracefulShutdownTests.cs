using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Keycard.Core;
using Keycard.Core.Security;
using Keycard.Core.Storage;
using Keycard.Server.Tests.Cli;
using Keycard.Server.Tests.Infrastructure;
using Keycard.Storage;

namespace Keycard.Server.Tests.Shutdown;

/// <summary>SIGTERM under load: Keycard stops accepting, finishes what it started, flushes its writes and exits.</summary>
public sealed class GracefulShutdownTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "keycard-shutdown-tests", Guid.NewGuid().ToString("N"));

    public GracefulShutdownTests() => Directory.CreateDirectory(_folder);

    private string Db => Path.Combine(_folder, "keycard.db");

    [Fact]
    public async Task Sigterm_UnderLoad_EveryAnsweredTokenIsStoredAndProcessExitsZero()
    {
        var (added, json, addErr) = await KeycardProcess.RunAsync(null, "client", "add", "machine", "--confidential", "--allow-client-credentials",
            "--redirect-uri", "https://m.example.com/cb", "--json", "--database", Db);
        Assert.True(added == 0, addErr);
        var secret = JsonDocument.Parse(json).RootElement.GetProperty("client_secret").GetString()!;
        var port = FreePort();
        using var server = StartServer(port);
        var log = new ConcurrentQueue<string>();
        server.OutputDataReceived += (_, e) => log.Enqueue(e.Data ?? "");
        server.ErrorDataReceived += (_, e) => log.Enqueue(e.Data ?? "");
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitHealthyAsync(http, server, log);
            var answered = new ConcurrentQueue<string>();
            var load = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                // Each loop runs until the server refuses it: an answer either carries a stored token or an error.
                while (true)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/external/api/oauth2/token");
                    request.Headers.Add("x-grant-type", "client_credentials");
                    request.Headers.Add("x-client-id", "machine");
                    request.Headers.Add("x-client-secret", secret);
                    try
                    {
                        using var response = await http.SendAsync(request);
                        if (response.StatusCode != HttpStatusCode.OK)
                        {
                            return;
                        }

                        answered.Enqueue((await TokenSet.ReadAsync(response)).AccessToken);
                    }
                    catch (HttpRequestException)
                    {
                        return;
                    }
                }
            })).ToList();
            while (answered.Count < 200)
            {
                await Task.Delay(20);
            }

            using (var kill = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            var stopping = Stopwatch.StartNew();
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                await server.WaitForExitAsync(timeout.Token);
            }

            await Task.WhenAll(load);

            Assert.True(server.ExitCode == 0, string.Join('\n', log));
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(30), $"took {stopping.Elapsed} to stop");
            await using var services = new ServiceCollection().AddLogging().AddKeycardCore().AddKeycardStorage(DatabaseLocation.Parse(Db)).BuildServiceProvider();
            await using var scope = services.CreateAsyncScope();
            var tokens = scope.ServiceProvider.GetRequiredService<ITokenStore>();
            foreach (var token in answered)
            {
                Assert.NotNull(await tokens.FindAsync(SecureToken.StorageKey(token), CancellationToken.None));
            }
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task ShutdownTimeout_Configured_BecomesHostShutdownTimeout()
    {
        using var factory = new KeycardFactory();
        factory.Settings["Keycard:ShutdownTimeout"] = "00:00:07";
        await factory.SeedAsync();

        var host = factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.Extensions.Hosting.HostOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(7), host.ShutdownTimeout);
    }

    private Process StartServer(int port)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "keycard.dll"), "serve", "--urls", $"http://127.0.0.1:{port}", "--database", Db,
            "--Keycard:ShutdownTimeout=00:00:20", "--Logging:LogLevel:Default=Warning" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("KEYCARD_DATABASE");
        return Process.Start(start)!;
    }

    private static async Task WaitHealthyAsync(HttpClient http, Process server, ConcurrentQueue<string> log)
    {
        for (var i = 0; i < 300; i++)
        {
            Assert.False(server.HasExited, string.Join('\n', log));
            try
            {
                using var response = await http.GetAsync("/readyz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        Assert.Fail("keycard serve did not become ready:\n" + string.Join('\n', log));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
