using System.Net;
using System.Text.Json;
using Keycard.Core.Security;
using Keycard.Core.Storage;
using Keycard.Server.Tests.Infrastructure;
using Keycard.Storage;

namespace Keycard.Server.Tests.Cli;

public sealed class CliTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "keycard-cli-tests", Guid.NewGuid().ToString("N"));

    public CliTests() => Directory.CreateDirectory(_folder);

    private string Db => Path.Combine(_folder, "cli.db");

    [Fact]
    public async Task ClientAdd_Confidential_PrintsSecretOnceAndStoresOnlyItsHash()
    {
        var (code, output, _) = await KeycardProcess.RunAsync(null, "client", "add", "web", "--name", "Web", "--redirect-uri", "https://web.example.com/cb", "--confidential", "--json", "--database", Db);

        Assert.Equal(0, code);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal("web", json.GetProperty("client_id").GetString());
        Assert.Equal("web", json.GetProperty("app_code").GetString());
        var secret = json.GetProperty("client_secret").GetString()!;
        Assert.True(Convert.FromBase64String(Base64(secret)).Length >= 32, "at least 256 bits");
        var stored = await FindClientAsync("web");
        Assert.Equal(SecureToken.Hash(secret), stored!.SecretHash);
        Assert.DoesNotContain(secret, ReadDatabaseFiles(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientAdd_PublicWithOriginsScopesAndAppCode_IsStoredAsGiven()
    {
        var (code, _, err) = await KeycardProcess.RunAsync(null, "client", "add", "spa", "--name", "Spa", "--redirect-uri", "https://a.example.com/cb", "--redirect-uri", "http://127.0.0.1:8080/cb",
            "--origin", "https://a.example.com", "--scope", "email", "--scope", "profile", "--app-code", "SPA1", "--database", Db);

        Assert.True(code == 0, err);
        var client = await FindClientAsync("spa");
        Assert.NotNull(client);
        Assert.False(client.IsConfidential);
        Assert.Null(client.SecretHash);
        Assert.Equal(["https://a.example.com/cb", "http://127.0.0.1:8080/cb"], client.RedirectUris);
        Assert.Equal(["https://a.example.com"], client.AllowedOrigins);
        Assert.Equal(["email", "profile"], client.AllowedScopes);
        Assert.Equal("SPA1", client.AppCode);
    }

    [Theory]
    [InlineData("http://evil.example.com/cb")]
    [InlineData("https://a.example.com/cb#frag")]
    [InlineData("not a uri")]
    public async Task ClientAdd_BadRedirectUri_IsRefused(string uri)
    {
        var (code, _, err) = await KeycardProcess.RunAsync(null, "client", "add", "bad", "--redirect-uri", uri, "--database", Db);

        Assert.NotEqual(0, code);
        Assert.Contains("--redirect-uri", err, StringComparison.Ordinal);
        Assert.Null(await FindClientAsync("bad"));
    }

    [Fact]
    public async Task ClientAdd_SecretFromStdin_ImportsStrongSecretAndRefusesWeakOne()
    {
        var strong = SecureToken.Generate();
        var (ok, _, okErr) = await KeycardProcess.RunAsync(strong, "client", "add", "moved", "--redirect-uri", "https://m.example.com/cb", "--confidential", "--secret-stdin", "--database", Db);
        var (weak, _, weakErr) = await KeycardProcess.RunAsync("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "client", "add", "weak", "--redirect-uri", "https://m.example.com/cb", "--confidential", "--secret-stdin", "--database", Db);
        var (short_, _, _) = await KeycardProcess.RunAsync("short", "client", "add", "short", "--redirect-uri", "https://m.example.com/cb", "--confidential", "--secret-stdin", "--database", Db);

        Assert.True(ok == 0, okErr);
        Assert.Equal(SecureToken.Hash(strong), (await FindClientAsync("moved"))!.SecretHash);
        Assert.NotEqual(0, weak);
        Assert.Contains("predictable", weakErr, StringComparison.Ordinal);
        Assert.NotEqual(0, short_);
        Assert.Null(await FindClientAsync("weak"));
    }

    [Fact]
    public async Task ClientAdd_DuplicateId_IsRefused()
    {
        await KeycardProcess.RunAsync(null, "client", "add", "dup", "--redirect-uri", "https://d.example.com/cb", "--database", Db);

        var (code, _, err) = await KeycardProcess.RunAsync(null, "client", "add", "dup", "--redirect-uri", "https://d.example.com/cb", "--database", Db);

        Assert.NotEqual(0, code);
        Assert.Contains("already exists", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientListShowRotateRemove_WorkTogether()
    {
        var (_, added, _) = await KeycardProcess.RunAsync(null, "client", "add", "web", "--redirect-uri", "https://w.example.com/cb", "--confidential", "--json", "--database", Db);
        var oldSecret = JsonDocument.Parse(added).RootElement.GetProperty("client_secret").GetString()!;

        var (_, list, _) = await KeycardProcess.RunAsync(null, "client", "list", "--database", Db);
        var (_, show, _) = await KeycardProcess.RunAsync(null, "client", "show", "web", "--database", Db);
        var (rotateCode, rotated, rotateLog) = await KeycardProcess.RunAsync(null, "client", "rotate-secret", "web", "--json", "--database", Db);
        var newSecret = JsonDocument.Parse(rotated).RootElement.GetProperty("client_secret").GetString()!;

        Assert.Contains("web\tconfidential", list, StringComparison.Ordinal);
        Assert.Contains("https://w.example.com/cb", show, StringComparison.Ordinal);
        Assert.DoesNotContain(oldSecret, show, StringComparison.Ordinal);
        Assert.Equal(0, rotateCode);
        Assert.NotEqual(oldSecret, newSecret);
        Assert.Contains("Keycard[2301]", rotateLog, StringComparison.Ordinal);
        Assert.DoesNotContain(newSecret, rotateLog, StringComparison.Ordinal);
        Assert.Equal(SecureToken.Hash(newSecret), (await FindClientAsync("web"))!.SecretHash);

        var (removeCode, _, _) = await KeycardProcess.RunAsync(null, "client", "remove", "web", "--database", Db);
        Assert.Equal(0, removeCode);
        Assert.Null(await FindClientAsync("web"));
        var (missingCode, _, _) = await KeycardProcess.RunAsync(null, "client", "remove", "web", "--database", Db);
        Assert.NotEqual(0, missingCode);
    }

    [Fact]
    public async Task UserCommands_AddListSetPasswordDisableRemove()
    {
        var (addCode, added, addErr) = await KeycardProcess.RunAsync("first password 1", "user", "add", "bob", "--email", "bob@example.com", "--first-name", "Bob", "--last-name", "Builder", "--password-stdin", "--database", Db);
        Assert.True(addCode == 0, addErr);
        Assert.Contains("with id 1", added, StringComparison.Ordinal);
        Assert.DoesNotContain("first password 1", added, StringComparison.Ordinal);

        var (_, list, _) = await KeycardProcess.RunAsync(null, "user", "list", "--database", Db);
        Assert.Contains("1\tbob\tbob@example.com\tBob Builder", list, StringComparison.Ordinal);

        Assert.True(await CheckPasswordAsync("bob", "first password 1"));
        var (setCode, _, _) = await KeycardProcess.RunAsync("second password 2", "user", "set-password", "bob", "--password-stdin", "--database", Db);
        Assert.Equal(0, setCode);
        Assert.False(await CheckPasswordAsync("bob", "first password 1"));
        Assert.True(await CheckPasswordAsync("bob", "second password 2"));

        var (disableCode, _, _) = await KeycardProcess.RunAsync(null, "user", "disable", "bob", "--database", Db);
        Assert.Equal(0, disableCode);
        Assert.False(await CheckPasswordAsync("bob", "second password 2"));

        var (removeCode, _, _) = await KeycardProcess.RunAsync(null, "user", "remove", "bob", "--database", Db);
        Assert.Equal(0, removeCode);
        var (_, emptyList, _) = await KeycardProcess.RunAsync(null, "user", "list", "--database", Db);
        Assert.DoesNotContain("bob", emptyList, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserAdd_ShortPassword_IsRefused()
    {
        var (code, _, err) = await KeycardProcess.RunAsync("short", "user", "add", "carol", "--email", "c@example.com", "--first-name", "C", "--last-name", "D", "--password-stdin", "--database", Db);

        Assert.NotEqual(0, code);
        Assert.Contains("at least 8", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserAdd_WithoutPasswordStdin_GeneratesAndPrintsOne()
    {
        var (code, output, _) = await KeycardProcess.RunAsync(null, "user", "add", "dave", "--email", "d@example.com", "--first-name", "D", "--last-name", "E", "--database", Db);

        Assert.Equal(0, code);
        var password = output.Split('\n').Single(l => l.StartsWith("password: ", StringComparison.Ordinal))["password: ".Length..].Trim();
        Assert.True(await CheckPasswordAsync("dave", password));
    }

    [Fact]
    public async Task Serve_PlainHttpOnPublicAddress_RefusesToStart()
    {
        var (code, _, err) = await KeycardProcess.RunAsync(null, "serve", "--urls", "http://0.0.0.0:5999", "--database", Db);

        Assert.Equal(2, code);
        Assert.Contains("refusing to serve", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_InvalidSetting_ReportsOneLineWithoutStackTrace()
    {
        var (code, output, err) = await KeycardProcess.RunAsync(null, "serve", "--urls", "http://127.0.0.1:0", "--database", Db, "--Keycard:Issuer=http://issuer.example.com");

        Assert.Equal(1, code);
        Assert.Contains("keycard: cannot start: Keycard:Issuer", err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminCommands_WorkWhileTheServerRuns()
    {
        using var factory = new KeycardFactory();
        await factory.SeedAsync();

        var (code, _, err) = await KeycardProcess.RunAsync(null, "client", "add", "live", "--redirect-uri", "https://live.example.com/cb", "--database", factory.DatabasePath);

        Assert.True(code == 0, err);
        using var http = factory.CreateClient();
        using var page = await http.GetAsync(LoginForm.Url(clientId: "live", redirectUri: "https://live.example.com/cb"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    private async Task<Keycard.Core.Clients.Client?> FindClientAsync(string id)
    {
        await using var admin = await Keycard.Server.Cli.AdminContext.OpenAsync(Db, CancellationToken.None);
        return await admin.Services.GetRequiredService<IClientStore>().FindAsync(id, CancellationToken.None);
    }

    private async Task<bool> CheckPasswordAsync(string user, string password)
    {
        await using var admin = await Keycard.Server.Cli.AdminContext.OpenAsync(Db, CancellationToken.None);
        var check = await admin.Services.GetRequiredService<IUserAuthenticator>().CheckPasswordAsync(user, password, CancellationToken.None);
        return check.Outcome == Keycard.Core.Users.PasswordCheckOutcome.Success;
    }

    /// <summary>The raw bytes of the SQLite file and its write-ahead log, as text, to search for leaked values.</summary>
    private string ReadDatabaseFiles()
    {
        var text = new System.Text.StringBuilder();
        foreach (var path in new[] { Db, Db + "-wal" }.Where(File.Exists))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, System.Text.Encoding.Latin1);
            text.Append(reader.ReadToEnd());
        }

        return text.ToString();
    }

    private static string Base64(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
    }

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
