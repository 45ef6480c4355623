using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Keycard.Server.Tests.Cli;

/// <summary>
/// The real <c>keycard serve</c> in a folder of its own, on a free 127.0.0.1 port, as a newcomer starts it. Records
/// its console; disposing stops it (by its own process id).
/// </summary>
public sealed class KeycardServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private KeycardServerProcess(Process process, string url, string folder)
    {
        _process = process;
        Url = url;
        Folder = folder;
    }

    public string Url { get; }

    public string Folder { get; }

    /// <summary>Every line written to standard output and standard error so far.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    /// <summary>Starts <c>keycard serve</c> with <paramref name="args"/> and waits until <paramref name="readyLine"/> is printed.</summary>
    public static async Task<KeycardServerProcess> StartAsync(string folder, string readyLine, params string[] args)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "keycard.dll"));
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("KEYCARD_DATABASE");
        start.Environment.Remove("KEYCARD_URLS");
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        var server = new KeycardServerProcess(Process.Start(start)!, url, folder);
        server._process.OutputDataReceived += (_, e) => server.Record(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Record(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        await server.WaitForAsync(line => line.Contains(readyLine, StringComparison.Ordinal), TimeSpan.FromSeconds(90));
        return server;
    }

    /// <summary>Waits until a line matches (the console logger writes from a queue, a little after the request).</summary>
    public async Task WaitForAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Any(match))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("keycard serve did not print the expected line. Its console:\n" + string.Join('\n', Output));
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
