using System.Diagnostics;

namespace Keycard.Server.Tests.Cli;

/// <summary>Runs the real <c>keycard</c> command (the built keycard.dll beside the tests) as an operator would.</summary>
public static class KeycardProcess
{
    public static Task<(int ExitCode, string Out, string Err)> RunAsync(string? stdin, params string[] args) =>
        RunInAsync(null, stdin, args);

    /// <summary>Runs in <paramref name="workingDirectory"/>, where a command without --database finds keycard.db.</summary>
    public static async Task<(int ExitCode, string Out, string Err)> RunInAsync(string? workingDirectory, string? stdin, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "keycard.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? "",
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("KEYCARD_DATABASE");
        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteLineAsync(stdin);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }
}
