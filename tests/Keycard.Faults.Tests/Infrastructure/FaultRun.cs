using Xunit.Abstractions;

namespace Keycard.Faults.Tests.Infrastructure;

/// <summary>
/// How hard to push. CI runs the short variant (a few repetitions, well under three minutes for the suite);
/// <c>KEYCARD_FAULTS_LONG=1</c> runs the long one the issue asks for (50 start-up kills, 15 kills under load).
/// </summary>
public static class FaultRun
{
    public static bool LongRun { get; } = Environment.GetEnvironmentVariable("KEYCARD_FAULTS_LONG") is "1" or "true";

    public static int StartupKills => LongRun ? 50 : 4;

    public static int LoadKills => LongRun ? 15 : 1;

    /// <summary>Figures the tests measured, printed for docs/reliability.md ("dotnet test -l 'console;verbosity=detailed'").</summary>
    public static void Report(ITestOutputHelper output, string line)
    {
        output.WriteLine(line);
        var file = Environment.GetEnvironmentVariable("KEYCARD_FAULTS_REPORT");
        if (!string.IsNullOrEmpty(file))
        {
            lock (typeof(FaultRun))
            {
                File.AppendAllText(file, line + Environment.NewLine);
            }
        }
    }
}
