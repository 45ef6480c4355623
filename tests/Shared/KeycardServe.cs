using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Keycard.Testing;

/// <summary>
/// One <c>keycard serve</c> process on a free 127.0.0.1 port, for the test projects that run real servers (linked
/// into each beside <see cref="KeycardProcess"/>): the fault suite kills (SIGKILL), terminates (SIGTERM) and measures
/// it, the multi-node suite runs several on one PostgreSQL database. It is ready once it answers /healthz; its output is
/// kept for failure messages (Keycard never logs secrets). Only this process is ever signalled, by its PID; disposing
/// kills it, and it is also killed if the test host exits first, so a failed run leaves no server behind.
/// </summary>
public sealed class KeycardServe : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private KeycardServe(Process process, Uri address)
    {
        _process = process;
        Address = address;
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
    }

    public Uri Address { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

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

    /// <summary>
    /// One key-encryption key for every process of the run: the nodes of a cluster share it, as docs/deployment.md
    /// tells operators to, and a restarted node reads what the last one wrote.
    /// </summary>
    public static readonly string KeyEncryptionKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>The environment a CLI command needs to open what these processes wrote (the signing keys).</summary>
    public static IReadOnlyDictionary<string, string> CliEnvironment { get; } = new Dictionary<string, string> { ["KEYCARD_KEY_ENCRYPTION_KEY"] = KeyEncryptionKey };

    /// <summary>Starts the process and returns at once, before it is ready (so a test can kill it mid-start).</summary>
    public static KeycardServe Launch(string database, IEnumerable<string>? settings = null, int? port = null)
    {
        var address = new Uri($"http://127.0.0.1:{port ?? FreePort()}");
        var start = KeycardProcess.StartInfo(new[] { "serve", "--urls", address.ToString().TrimEnd('/'), "--database", database }.Concat(settings ?? []));
        // PostgreSQL nodes refuse to start without a key-encryption key (docs/deployment.md); SQLite ignores it here.
        start.Environment["KEYCARD_KEY_ENCRYPTION_KEY"] = KeyEncryptionKey;
        var process = Process.Start(start) ?? throw new InvalidOperationException("keycard serve did not start.");
        process.StandardInput.Close();
        var serve = new KeycardServe(process, address);
        process.OutputDataReceived += (_, e) => serve.Append(e.Data);
        process.ErrorDataReceived += (_, e) => serve.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return serve;
    }

    /// <summary>Starts the process and waits until it answers /healthz.</summary>
    public static async Task<KeycardServe> StartAsync(string database, IEnumerable<string>? settings = null, TimeSpan? within = null, int? port = null)
    {
        var serve = Launch(database, settings, port);
        try
        {
            await serve.WaitUntilHealthyAsync(within ?? TimeSpan.FromSeconds(90));
        }
        catch
        {
            await serve.DisposeAsync();
            throw;
        }

        return serve;
    }

    /// <summary>A client for this process that neither follows redirects nor keeps cookies: tests carry cookies by hand.</summary>
    public HttpClient CreateClient(TimeSpan? timeout = null) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = Address,
            Timeout = timeout ?? TimeSpan.FromSeconds(100),
        };

    public async Task WaitUntilHealthyAsync(TimeSpan within)
    {
        using var http = CreateClient(TimeSpan.FromSeconds(5));
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < within)
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
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"keycard serve did not answer /healthz on {Address} within {within.TotalSeconds} s:\n{Log}");
    }

    /// <summary>kill -9: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as systemd or Kubernetes stop a service; waits for the exit.</summary>
    public async Task<int> TerminateAsync(TimeSpan within)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>Resident memory of the process in bytes (Linux /proc).</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("No VmRSS for the keycard process.");
    }

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

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
