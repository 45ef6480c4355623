using Keycard.Server.Tests.Cli;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.Robustness;

/// <summary>
/// Findings of the CLI audit (session 9): a command that cannot do what it was asked says so in one line and exits
/// non-zero, never with the runtime's stack trace.
/// </summary>
public sealed class CliAuditTests
{
    [Fact]
    public async Task Backup_TargetInMissingFolder_OneLineAndExit1()
    {
        using var factory = await new KeycardFactory().SeedAsync();
        var target = Path.Combine(Path.GetTempPath(), "keycard-tests", Guid.NewGuid().ToString("N"), "missing", "backup.db");

        var (code, output, error) = await KeycardProcess.RunAsync(null, "backup", "--to", target, "--database", factory.DatabasePath);

        Assert.Equal(1, code);
        Assert.StartsWith("keycard: ", error, StringComparison.Ordinal);
        Assert.Contains("backup.db", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.DoesNotContain("Exception", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }
}
