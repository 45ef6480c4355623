using System.Diagnostics;

namespace Keycard.MultiNode.Tests.Infrastructure;

/// <summary>
/// The built <c>keycard</c> executable, found beside this test assembly's build: src/Keycard.Server/bin/&lt;Configuration&gt;/net10.0
/// for the configuration these tests were built in (CI builds Release). KEYCARD_BINARY overrides it.
/// </summary>
public static class KeycardExecutable
{
    public static string Path { get; } = Locate();

    /// <summary>Runs a CLI command to completion, with <paramref name="stdin"/> (a password) on standard input, never on the command line.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments, string? stdin = null)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("keycard did not start.");
        if (stdin is not null)
        {
            await process.StandardInput.WriteLineAsync(stdin);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output + await error);
    }

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("KEYCARD_BINARY") is { Length: > 0 } configured)
        {
            return configured;
        }

        // AppContext.BaseDirectory is tests/Keycard.MultiNode.Tests/bin/<Configuration>/net10.0/.
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        var configuration = framework.Parent!.Name;
        var root = framework;
        while (root is not null && !File.Exists(System.IO.Path.Combine(root.FullName, "Keycard.slnx")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException("Cannot find the repository root (Keycard.slnx) above " + AppContext.BaseDirectory);
        }

        var name = OperatingSystem.IsWindows() ? "keycard.exe" : "keycard";
        var path = System.IO.Path.Combine(root.FullName, "src", "Keycard.Server", "bin", configuration, framework.Name, name);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"keycard is not built at {path}; build Keycard.slnx in {configuration} first.");
    }
}
