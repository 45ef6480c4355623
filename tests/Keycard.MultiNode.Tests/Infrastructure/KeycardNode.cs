using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Keycard.Testing;

namespace Keycard.MultiNode.Tests.Infrastructure;

/// <summary>
/// One <c>keycard serve</c> process on a free 127.0.0.1 port. Disposing kills it by its PID (and only it); the
/// process is also killed if the test host exits first, so a failed run leaves no server behind.
/// </summary>
public sealed class KeycardNode : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private KeycardNode(Process process, Uri address)
    {
        _process = process;
        Address = address;
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
    }

    public Uri Address { get; }

    public int ProcessId => _process.Id;

    /// <summary>What the node printed: for failure messages. Keycard never logs secrets.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    private static readonly string SharedKeyEncryptionKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public static async Task<KeycardNode> StartAsync(string database, IEnumerable<string>? settings = null)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = KeycardProcess.StartInfo(new[] { "serve", "--urls", address.ToString().TrimEnd('/'), "--database", database }.Concat(settings ?? []));

        // Every node of a cluster shares one key-encryption key, as docs/deployment.md tells operators to.
        start.Environment["KEYCARD_KEY_ENCRYPTION_KEY"] = SharedKeyEncryptionKey;
        var process = Process.Start(start) ?? throw new InvalidOperationException("keycard serve did not start.");
        process.StandardInput.Close();
        var node = new KeycardNode(process, address);
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await node.WaitUntilHealthyAsync();
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }

        return node;
    }

    /// <summary>A client for this node that neither follows redirects nor keeps cookies: tests carry cookies by hand.</summary>
    public HttpClient CreateClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = Address };

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(timeout.Token);
        }

        _process.Dispose();
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = CreateClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"keycard serve exited with {_process.ExitCode}:\n{Log}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"keycard serve did not answer /healthz on {Address} within 90 s:\n{Log}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private void KillOnExit(object? sender, EventArgs e)
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
