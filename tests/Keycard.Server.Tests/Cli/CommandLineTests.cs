using System.Net;
using System.Net.Sockets;

namespace Keycard.Server.Tests.Cli;

/// <summary>
/// The command line refuses what it does not understand before doing anything, and every mistake gets one actionable
/// line (issue 13 items 4-6), tested on the real executable.
/// </summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "keycard-cli-tests", Guid.NewGuid().ToString("N"));

    public CommandLineTests() => Directory.CreateDirectory(_folder);

    [Theory]
    [InlineData("'--scpoe'. Did you mean '--scope'?", "client", "add", "x", "--redirect-uri", "https://x.example.com/cb", "--scpoe", "email")]
    [InlineData("'--databse'. Did you mean '--database'?", "user", "list", "--databse", "other.db")]
    [InlineData("'clinet'. Did you mean 'client'?", "clinet", "list")]
    [InlineData("'--dmeo'. Did you mean '--demo'?", "serve", "--dmeo")]
    [InlineData("'--dmeo'. Did you mean '--demo'?", "--dmeo")]
    [InlineData("'rmove'. Did you mean 'remove'?", "user", "rmove", "bob")]
    [InlineData("'--retension'. Did you mean '--retention'?", "tokens", "prune", "--retension", "00:10:00")]
    public async Task UnknownOptionOrCommand_IsRefusedWithSuggestionBeforeAnythingIsDone(string suggestion, params string[] args)
    {
        var (code, output, err) = await KeycardProcess.RunInAsync(_folder, null, args);

        Assert.Equal(2, code);
        Assert.Contains(suggestion, err, StringComparison.Ordinal);
        Assert.Single(Lines(err));
        Assert.Equal("", output);

        // Nothing was done: no database was created (and no server started, or the process would not have exited).
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Theory]
    [InlineData("unknown argument 'extra'", "client", "show", "a", "extra")]
    [InlineData("Option '--email' is required.", "user", "add", "bob")]
    [InlineData("'--Keycard:Issuer=https://x.example.com' is a server setting; only 'keycard serve' and 'keycard config show' take settings.", "client", "list", "--Keycard:Issuer=https://x.example.com")]
    [InlineData("Cannot parse argument 'soon' for option '--retention'", "tokens", "prune", "--retention", "soon")]
    [InlineData("--urls '5057' is not an http or https URL: write it like http://127.0.0.1:5057.", "serve", "--urls", "5057")]
    [InlineData("--known-proxy 'proxy.local' is not an IP address.", "serve", "--behind-proxy", "--known-proxy", "proxy.local")]
    public async Task InputMistake_GetsOneLineAndExitCode2(string message, params string[] args)
    {
        var (code, output, err) = await KeycardProcess.RunInAsync(_folder, null, args);

        Assert.Equal(2, code);
        Assert.Contains(message, err, StringComparison.Ordinal);
        Assert.Single(Lines(err));
        Assert.DoesNotContain("   at ", output + err, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public async Task ServeDemo_PortInUse_FailsInOneLineWithoutPrintingTheBanner()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (code, output, err) = await KeycardProcess.RunInAsync(_folder, null, "serve", "--demo", "--urls", $"http://127.0.0.1:{port}");

        Assert.Equal(1, code);
        Assert.Contains("keycard: cannot start:", err, StringComparison.Ordinal);
        Assert.Single(Lines(err));
        Assert.DoesNotContain("Demo ready", output, StringComparison.Ordinal);
        Assert.DoesNotContain("curl", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("client", "list")]
    [InlineData("client", "show", "web")]
    [InlineData("user", "list")]
    public async Task ReadOnlyCommand_MissingDatabase_SaysSoAndCreatesNothing(params string[] args)
    {
        var (code, output, err) = await KeycardProcess.RunInAsync(_folder, null, args);

        Assert.Equal(1, code);
        Assert.Contains($"there is no database at {Path.Combine(_folder, "keycard.db")}", err, StringComparison.Ordinal);
        Assert.Single(Lines(err));
        Assert.Equal("", output);
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public async Task ReadOnlyCommand_UnmigratedDatabase_RefusesWithoutMigratingIt()
    {
        var db = Path.Combine(_folder, "old.db");
        await File.WriteAllBytesAsync(db, []);

        var (code, _, err) = await KeycardProcess.RunInAsync(_folder, null, "user", "list", "--database", db);

        Assert.Equal(1, code);
        Assert.Contains("has not been migrated", err, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(db).Length);
    }

    [Fact]
    public async Task Help_Root_ListsCommandsWithoutServeOptionsOrPassThroughArguments()
    {
        var (code, output, _) = await KeycardProcess.RunInAsync(_folder, null, "--help");

        Assert.Equal(0, code);
        Assert.Contains("keycard [command] [options]", output, StringComparison.Ordinal);
        Assert.Contains("serve", output, StringComparison.Ordinal);
        Assert.DoesNotContain("--urls", output, StringComparison.Ordinal);
        Assert.DoesNotContain("--demo", output, StringComparison.Ordinal);
        Assert.DoesNotContain("additional arguments", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("passed to the application", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("serve", "--help")]
    [InlineData("tokens", "prune", "--help")]
    [InlineData("client", "add", "--help")]
    [InlineData("user", "add", "--help")]
    public async Task Help_Command_HasBalancedUsageAndEachDefaultOnce(params string[] args)
    {
        var (code, output, _) = await KeycardProcess.RunInAsync(_folder, null, args);

        Assert.Equal(0, code);
        var usage = Lines(output).SkipWhile(l => l != "Usage:").Skip(1).First();
        Assert.Equal(usage.Count(c => c == '['), usage.Count(c => c == ']'));
        Assert.DoesNotContain("additional arguments", output, StringComparison.OrdinalIgnoreCase);
        foreach (var line in Lines(output).Where(l => l.Contains("[default:", StringComparison.Ordinal)))
        {
            Assert.DoesNotContain("default ", line.Split("[default:")[0], StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task ClientShow_PrintsLabelsInOneColumn()
    {
        var db = Path.Combine(_folder, "show.db");
        await KeycardProcess.RunInAsync(_folder, null, "client", "add", "web", "--redirect-uri", "https://w.example.com/cb", "--confidential", "--allow-client-credentials", "--database", db);

        var (code, output, _) = await KeycardProcess.RunInAsync(_folder, null, "client", "show", "web", "--database", db);

        Assert.Equal(0, code);
        var lines = Lines(output);
        // The column is as wide as the longest label (access_token_format since issue 16).
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^client_credentials:\s+allowed$"));
        var valueColumns = lines.Select(l => l.IndexOf(':', StringComparison.Ordinal) + 1 + l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].TakeWhile(c => c == ' ').Count()).Distinct();
        Assert.Single(valueColumns);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
