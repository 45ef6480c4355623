using System.Diagnostics;
using System.Globalization;

namespace Keycard.Faults.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of the test's own, started with scripts/postgres.sh on a free port and a temp folder
/// (KEYCARD_PG_PORT/KEYCARD_PG_DIR), so it can be frozen (SIGSTOP) and stopped without touching the shared one.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private readonly int _port = KeycardServe.FreePort();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "keycard-faults-pg-" + Guid.NewGuid().ToString("N")[..8]);
    private List<int> _frozen = [];

    public string ConnectionString { get; private set; } = "";

    public static async Task<ThrowawayPostgres> StartAsync()
    {
        var cluster = new ThrowawayPostgres();
        await cluster.StartAgainAsync();
        return cluster;
    }

    /// <summary>Starts the cluster (again): scripts/postgres.sh is idempotent.</summary>
    public async Task StartAgainAsync()
    {
        var line = await ScriptAsync();
        const string Prefix = "export KEYCARD_TEST_POSTGRES='";
        var start = line.IndexOf(Prefix, StringComparison.Ordinal);
        Assert.True(start >= 0, "scripts/postgres.sh printed no connection string:\n" + line);
        ConnectionString = line[(start + Prefix.Length)..line.IndexOf('\'', start + Prefix.Length)];
    }

    public Task StopAsync() => ScriptAsync("stop");

    /// <summary>SIGSTOP to the postmaster and every backend: the database hangs, as a frozen VM or disk would.</summary>
    public async Task FreezeAsync()
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(_folder, "data", "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        var (_, children) = await RunAsync("pgrep", ["-P", postmaster.ToString(CultureInfo.InvariantCulture)]);
        _frozen = [postmaster, .. children.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
        foreach (var pid in _frozen)
        {
            await RunAsync("kill", ["-STOP", pid.ToString(CultureInfo.InvariantCulture)]);
        }
    }

    public async Task ThawAsync()
    {
        foreach (var pid in _frozen)
        {
            await RunAsync("kill", ["-CONT", pid.ToString(CultureInfo.InvariantCulture)]);
        }

        _frozen = [];
    }

    public async ValueTask DisposeAsync()
    {
        await ThawAsync();
        await StopAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task<string> ScriptAsync(params string[] arguments)
    {
        var script = Path.Combine(RepositoryRoot(), "scripts", "postgres.sh");
        var (exitCode, output) = await RunAsync("bash", [script, .. arguments], new()
        {
            ["KEYCARD_PG_PORT"] = _port.ToString(CultureInfo.InvariantCulture),
            ["KEYCARD_PG_DIR"] = _folder,
        });
        Assert.True(exitCode == 0, $"scripts/postgres.sh {string.Join(' ', arguments)} exited with {exitCode}:\n{output}");
        return output;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? [])
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Keycard.slnx")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("No Keycard.slnx above " + AppContext.BaseDirectory);
    }
}
