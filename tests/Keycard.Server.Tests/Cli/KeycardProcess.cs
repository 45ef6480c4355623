namespace Keycard.Server.Tests.Cli;

/// <summary>The CLI tests' call shape over the one shared <see cref="global::Keycard.Testing.KeycardProcess"/> (tests/Shared).</summary>
public static class KeycardProcess
{
    public static Task<(int ExitCode, string Out, string Err)> RunAsync(string? stdin, params string[] args) =>
        RunInAsync(null, stdin, args);

    /// <summary>Runs in <paramref name="workingDirectory"/>, where a command without --database finds keycard.db.</summary>
    public static Task<(int ExitCode, string Out, string Err)> RunInAsync(string? workingDirectory, string? stdin, params string[] args) =>
        global::Keycard.Testing.KeycardProcess.RunAsync(args, stdin, TimeSpan.FromSeconds(60), workingDirectory);
}
