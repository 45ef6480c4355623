using System.Diagnostics;

namespace Keycard.Testing;

/// <summary>
/// The built <c>keycard</c> as an operator runs it, for every .NET test project (linked into each, not referenced):
/// one-shot CLI commands with <see cref="RunAsync"/>, and the start information a long-running <c>serve</c> needs.
/// It runs <c>keycard.dll</c> with <c>dotnet</c>: the one beside the test assembly when the project references the
/// server, otherwise the one <c>dotnet build</c> left in src/Keycard.Server/bin/&lt;Configuration&gt;/&lt;framework&gt;.
/// KEYCARD_BIN (the JavaScript suites' variable; KEYCARD_BINARY is still read) names another keycard instead.
/// </summary>
public static class KeycardProcess
{
    private static readonly Lazy<(string FileName, string[] Prefix)> Command = new(Locate);

    /// <summary>Start information for <c>keycard</c> with <paramref name="arguments"/>, every stream redirected.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var (fileName, prefix) = Command.Value;
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in prefix.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        // A test names its database; an operator's environment must not choose one for it.
        start.Environment.Remove("KEYCARD_DATABASE");
        return start;
    }

    /// <summary>
    /// Runs a command to completion with <paramref name="stdin"/> (a password or secret) on standard input, never on
    /// the command line, and <paramref name="environment"/> added to its environment (a key-encryption key). A command
    /// still running after <paramref name="timeout"/> (default 2 minutes) is killed, by its own process id, and the test fails.
    /// </summary>
    public static async Task<(int ExitCode, string Out, string Err)> RunAsync(
        IEnumerable<string> arguments, string? stdin = null, TimeSpan? timeout = null, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = StartInfo(arguments, workingDirectory);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("keycard did not start.");
        if (stdin is not null)
        {
            await process.StandardInput.WriteLineAsync(stdin);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }

    private static (string FileName, string[] Prefix) Locate()
    {
        var configured = Environment.GetEnvironmentVariable("KEYCARD_BIN") is { Length: > 0 } bin ? bin : Environment.GetEnvironmentVariable("KEYCARD_BINARY");
        if (configured is { Length: > 0 })
        {
            return configured.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ("dotnet", [configured]) : (configured, []);
        }

        var beside = Path.Combine(AppContext.BaseDirectory, "keycard.dll");
        if (File.Exists(beside))
        {
            return ("dotnet", [beside]);
        }

        // AppContext.BaseDirectory is tests/<project>/bin/<Configuration>/<framework>/.
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = framework;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Keycard.slnx")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException("Cannot find the repository root (Keycard.slnx) above " + AppContext.BaseDirectory);
        }

        var built = Path.Combine(root.FullName, "src", "Keycard.Server", "bin", framework.Parent!.Name, framework.Name, "keycard.dll");
        return File.Exists(built)
            ? ("dotnet", [built])
            : throw new InvalidOperationException($"keycard is not built at {built}; build Keycard.slnx in {framework.Parent.Name} first, or set KEYCARD_BIN.");
    }
}
