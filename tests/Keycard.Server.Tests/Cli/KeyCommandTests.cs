namespace Keycard.Server.Tests.Cli;

/// <summary><c>keycard keys list | rotate [--now] | retire &lt;kid&gt;</c> through the real executable (issue 16).</summary>
public sealed class KeyCommandTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "keycard-cli-tests", Guid.NewGuid().ToString("N"));

    public KeyCommandTests() => Directory.CreateDirectory(_folder);

    private string Db => Path.Combine(_folder, "keys.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task KeysRotateNowThenRetire_LeakDrill_ListShowsTheScheduleAtEachStep()
    {
        var (first, firstOut, firstErr) = await KeycardProcess.RunAsync(null, "keys", "rotate", "--database", Db);
        Assert.True(first == 0, firstErr);
        var firstKid = KidOf(firstOut);

        var (second, secondOut, secondErr) = await KeycardProcess.RunAsync(null, "keys", "rotate", "--now", "--database", Db);
        Assert.True(second == 0, secondErr);
        var secondKid = KidOf(secondOut);

        // An ES256 key is one more algorithm in use: it signs beside the RS256 key and retires none of it.
        var (third, thirdOut, thirdErr) = await KeycardProcess.RunAsync(null, "keys", "rotate", "--now", "--algorithm", "es256", "--database", Db);
        Assert.True(third == 0, thirdErr);
        var thirdKid = KidOf(thirdOut);
        Assert.Contains("(ES256)", thirdOut, StringComparison.Ordinal);

        var (listed, list, listErr) = await KeycardProcess.RunAsync(null, "keys", "list", "--database", Db);
        Assert.True(listed == 0, listErr);
        Assert.Contains("signing", Line(list, secondKid), StringComparison.Ordinal);
        Assert.Contains("signing", Line(list, thirdKid), StringComparison.Ordinal);
        Assert.Contains("retired", Line(list, firstKid), StringComparison.Ordinal);

        var (retired, _, retireErr) = await KeycardProcess.RunAsync(null, "keys", "retire", firstKid, "--database", Db);
        Assert.True(retired == 0, retireErr);
        var (_, after, _) = await KeycardProcess.RunAsync(null, "keys", "list", "--database", Db);
        Assert.Contains("expired", Line(after, firstKid), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysRetire_UnknownKid_FailsWithAClearMessage()
    {
        await KeycardProcess.RunAsync(null, "keys", "rotate", "--database", Db);

        var (code, _, err) = await KeycardProcess.RunAsync(null, "keys", "retire", "nope", "--database", Db);

        Assert.Equal(1, code);
        Assert.Contains("no signing key 'nope'", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysRotate_UnknownOptionOrAlgorithm_IsRejected()
    {
        var (option, _, optionErr) = await KeycardProcess.RunAsync(null, "keys", "rotate", "--nwo", "--database", Db);
        var (algorithm, _, algorithmErr) = await KeycardProcess.RunAsync(null, "keys", "rotate", "--algorithm", "HS256", "--database", Db);

        Assert.Equal(2, option);
        Assert.Contains("--now", optionErr, StringComparison.Ordinal);
        Assert.Equal(1, algorithm);
        Assert.Contains("unknown algorithm 'HS256'", algorithmErr, StringComparison.Ordinal);
    }

    private static string KidOf(string output) =>
        output.Split("Created signing key ", 2)[1].Split(' ', 2)[0];

    private static string Line(string list, string kid) =>
        list.Split('\n').Single(l => l.StartsWith(kid + " ", StringComparison.Ordinal));
}
