namespace Keycard.Faults.Tests.Infrastructure;

/// <summary>A one-shot CLI command through the shared <see cref="KeycardProcess"/>, its two streams read as one text.</summary>
internal static class KeycardCommand
{
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments, string? stdin = null)
    {
        var (exitCode, output, error) = await KeycardProcess.RunAsync(arguments, stdin);
        return (exitCode, output + error);
    }
}
