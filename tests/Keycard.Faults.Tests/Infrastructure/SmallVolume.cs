using System.Diagnostics;

namespace Keycard.Faults.Tests.Infrastructure;

/// <summary>
/// An 8 MiB tmpfs of the test's own (the tests run as root in CI, as scripts/setup-test-deps.sh does), to fill up.
/// Unmounted, and its folder removed, when disposed.
/// </summary>
public sealed class SmallVolume : IAsyncDisposable
{
    private SmallVolume(string path) => Path = path;

    public string Path { get; }

    public static async Task<SmallVolume> MountAsync(int megabytes = 8)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "keycard-faults-volume-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        var (exitCode, output) = await RunAsync("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", path);
        Assert.True(exitCode == 0, $"mounting a {megabytes} MiB tmpfs failed (the fault tests need root): {output}");
        return new SmallVolume(path);
    }

    /// <summary>Writes a filler file until the volume is full.</summary>
    public async Task FillAsync()
    {
        var chunk = new byte[64 * 1024];
        await using var filler = new FileStream(System.IO.Path.Combine(Path, "filler"), FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        try
        {
            while (true)
            {
                await filler.WriteAsync(chunk);
            }
        }
        catch (IOException)
        {
            // ENOSPC: full.
        }

        // Whatever is left below one chunk, byte by byte is not worth it: a few KiB more in small writes.
        var small = new byte[512];
        try
        {
            while (true)
            {
                await filler.WriteAsync(small);
                await filler.FlushAsync();
            }
        }
        catch (IOException)
        {
        }
    }

    public void Free() => File.Delete(System.IO.Path.Combine(Path, "filler"));

    public async ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await RunAsync("umount", "-l", Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
