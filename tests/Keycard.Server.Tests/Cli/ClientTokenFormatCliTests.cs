using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.Cli;

/// <summary><c>keycard client add --access-token-format --resource --signing-algorithm</c> and <c>client show</c> (issue 16).</summary>
public sealed class ClientTokenFormatCliTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "keycard-cli-tests", Guid.NewGuid().ToString("N"));

    public ClientTokenFormatCliTests() => Directory.CreateDirectory(_folder);

    private string Db => Path.Combine(_folder, "cli.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task ClientAdd_JwtFormatResourcesAndEs256_ShowPrintsThem()
    {
        var (code, _, err) = await KeycardProcess.RunAsync(null, "client", "add", "svc", "--confidential", "--allow-client-credentials",
            "--access-token-format", "jwt", "--resource", "https://api.example.com/", "--resource", "urn:example:reports", "--signing-algorithm", "ES256", "--database", Db);
        Assert.True(code == 0, err);

        var (_, show, _) = await KeycardProcess.RunAsync(null, "client", "show", "svc", "--database", Db);

        Assert.Matches(@"access_token_format:\s+jwt", show);
        Assert.Matches(@"resources:\s+https://api\.example\.com/ urn:example:reports", show);
        Assert.Matches(@"signing_algorithm:\s+ES256", show);
    }

    [Fact]
    public async Task ClientAdd_Defaults_ShowPrintsOpaqueAndRs256()
    {
        await KeycardProcess.RunAsync(null, "client", "add", "web", "--redirect-uri", "https://w.example.com/cb", "--database", Db);

        var (_, show, _) = await KeycardProcess.RunAsync(null, "client", "show", "web", "--database", Db);

        Assert.Matches(@"access_token_format:\s+opaque", show);
        Assert.Matches(@"signing_algorithm:\s+RS256", show);
    }

    [Fact]
    public async Task ClientAdd_ResourceWithFragment_FailsNamingIt()
    {
        var (code, _, err) = await KeycardProcess.RunAsync(null, "client", "add", "svc", "--confidential", "--allow-client-credentials",
            "--resource", "https://api.example.com/#x", "--database", Db);

        // RFC 8707 §2: an absolute URI without a fragment.
        Assert.Equal(1, code);
        Assert.Contains("--resource 'https://api.example.com/#x' must not include a fragment", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--access-token-format", "saml")]
    [InlineData("--signing-algorithm", "HS256")]
    public async Task ClientAdd_UnknownFormatOrAlgorithm_IsAParseError(string option, string value)
    {
        var (code, _, err) = await KeycardProcess.RunAsync(null, "client", "add", "svc", "--redirect-uri", "https://w.example.com/cb", option, value, "--database", Db);

        Assert.Equal(2, code);
        Assert.Contains(value, err, StringComparison.Ordinal);
    }
}
