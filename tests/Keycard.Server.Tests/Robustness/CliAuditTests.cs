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
    /// <summary>
    /// A user name or e-mail over 256 characters, or a first or last name over 200, does not fit the users table:
    /// PostgreSQL refused the row with an unhandled exception and SQLite stored it anyway. The command refuses it.
    /// </summary>
    [Theory]
    [InlineData("name", 257)]
    [InlineData("email", 257)]
    [InlineData("first", 201)]
    [InlineData("last", 201)]
    public async Task UserAdd_ValueLongerThanTheStoreKeeps_OneLineExit1AndNoUser(string field, int length)
    {
        using var factory = await new KeycardFactory().SeedAsync();
        var value = new string('x', length);
        var userName = field == "name" ? value : "longvalue";
        var email = field == "email" ? new string('x', length - "@example.com".Length) + "@example.com" : "long@example.com";

        var (code, output, error) = await KeycardProcess.RunAsync("a long enough password", "user", "add", userName,
            "--email", email, "--first-name", field == "first" ? value : "Long", "--last-name", field == "last" ? value : "Value",
            "--password-stdin", "--database", factory.DatabasePath);
        var (_, list, _) = await KeycardProcess.RunAsync(null, "user", "list", "--database", factory.DatabasePath);

        Assert.Equal(1, code);
        Assert.StartsWith("keycard: ", error, StringComparison.Ordinal);
        Assert.Contains(length == 257 ? "256" : "200", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain(userName, list, StringComparison.Ordinal);
    }
}
