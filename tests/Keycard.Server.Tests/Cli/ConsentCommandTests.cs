using Keycard.Core.Consent;
using Keycard.Core.Storage;
using Keycard.Core.Tokens;
using Keycard.Server.Cli;
using Keycard.Server.Tests.Infrastructure;
using Keycard.Testing;

namespace Keycard.Server.Tests.Cli;

/// <summary><c>keycard client add --third-party</c> and <c>keycard consent list|revoke</c> (issue 16).</summary>
public sealed class ConsentCommandTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "keycard-consent-cli-tests", Guid.NewGuid().ToString("N"));
    private StoredToken? _partnerToken;
    private StoredToken? _otherToken;

    public ConsentCommandTests() => Directory.CreateDirectory(_folder);

    private string Db => Path.Combine(_folder, "cli.db");

    [Fact]
    public async Task ClientAdd_ThirdParty_IsStoredShownAndRefusesThePasswordEndpoint()
    {
        var (code, _, err) = await KeycardProcess.RunAsync(null, "client", "add", "partner", "--name", "Partner", "--redirect-uri", "https://partner.example.com/cb", "--third-party", "--database", Db);
        Assert.True(code == 0, err);

        var (showCode, shown, _) = await KeycardProcess.RunAsync(null, "client", "show", "partner", "--database", Db);

        Assert.Equal(0, showCode);
        Assert.Contains("third_party:", shown, StringComparison.Ordinal);
        Assert.Matches(@"third_party:\s+yes", shown);
        Assert.Matches(@"password_endpoint:\s+refused", shown);
        var client = await WithAdminAsync(sp => sp.GetRequiredService<IClientStore>().FindAsync("partner", CancellationToken.None));
        Assert.True(client!.IsThirdParty);
        Assert.False(client.AllowPasswordCodeEndpoint);
    }

    [Fact]
    public async Task ClientShow_FirstParty_SaysNotThirdParty()
    {
        await KeycardProcess.RunAsync(null, "client", "add", "own", "--redirect-uri", "https://own.example.com/cb", "--database", Db);

        var (_, shown, _) = await KeycardProcess.RunAsync(null, "client", "show", "own", "--database", Db);

        Assert.Matches(@"third_party:\s+no", shown);
    }

    [Fact]
    public async Task ConsentRevoke_UserAndClient_EndsTheConsentAndRevokesTheClientsTokens()
    {
        var userId = await SeedAsync();
        var (listCode, listed, _) = await KeycardProcess.RunAsync(null, "consent", "list", "--user", "bob", "--database", Db);
        Assert.Equal(0, listCode);
        Assert.Contains("bob\tpartner\temail", listed, StringComparison.Ordinal);
        Assert.Contains("bob\tother\temail", listed, StringComparison.Ordinal);

        var (code, output, err) = await KeycardProcess.RunAsync(null, "consent", "revoke", "--user", "bob", "--client", "partner", "--database", Db);

        Assert.True(code == 0, err);
        Assert.Contains("Revoked 1 consents", output, StringComparison.Ordinal);
        var left = await WithAdminAsync(sp => sp.GetRequiredService<IConsentStore>().ListAsync(userId, null, CancellationToken.None));
        Assert.Equal(["other"], left.Select(c => c.ClientId));
        Assert.NotNull((await FindTokenAsync(_partnerToken!))!.RevokedAt);
        Assert.Null((await FindTokenAsync(_otherToken!))!.RevokedAt);
    }

    [Fact]
    public async Task ConsentRevoke_UserOnly_EndsEveryConsentOfTheUser()
    {
        var userId = await SeedAsync();

        var (code, _, err) = await KeycardProcess.RunAsync(null, "consent", "revoke", "--user", "bob", "--database", Db);

        Assert.True(code == 0, err);
        Assert.Empty(await WithAdminAsync(sp => sp.GetRequiredService<IConsentStore>().ListAsync(userId, null, CancellationToken.None)));
        Assert.NotNull((await FindTokenAsync(_otherToken!))!.RevokedAt);
    }

    [Theory]
    [InlineData("--user", "nobody")]
    [InlineData("--client", "nothing")]
    public async Task ConsentRevoke_UnknownUserOrClient_FailsWithOneLine(string option, string value)
    {
        await SeedAsync();
        string[] args = option == "--user"
            ? ["consent", "revoke", "--user", value, "--database", Db]
            : ["consent", "revoke", "--user", "bob", "--client", value, "--database", Db];

        var (code, _, err) = await KeycardProcess.RunAsync(null, args);

        Assert.Equal(1, code);
        Assert.Contains(value, err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsentRevoke_WithoutUser_IsAUsageError()
    {
        var (code, _, _) = await KeycardProcess.RunAsync(null, "consent", "revoke", "--client", "partner", "--database", Db);

        Assert.Equal(2, code);
    }

    [Fact]
    public async Task ClientRemove_WithConsents_RemovesThem()
    {
        await SeedAsync();

        var (code, _, err) = await KeycardProcess.RunAsync(null, "client", "remove", "partner", "--database", Db);

        Assert.True(code == 0, err);
        Assert.Empty(await WithAdminAsync(sp => sp.GetRequiredService<IConsentStore>().ListAsync(null, "partner", CancellationToken.None)));
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
            // Best effort.
        }
    }

    /// <summary>bob, two third-party clients, his consent to both and a refresh token from each.</summary>
    private async Task<int> SeedAsync()
    {
        var (userCode, _, userErr) = await KeycardProcess.RunAsync("bob's long password", "user", "add", "bob", "--email", "bob@example.com", "--first-name", "Bob", "--last-name", "B", "--password-stdin", "--database", Db);
        Assert.True(userCode == 0, userErr);
        foreach (var client in new[] { "partner", "other" })
        {
            var (code, _, err) = await KeycardProcess.RunAsync(null, "client", "add", client, "--redirect-uri", $"https://{client}.example.com/cb", "--third-party", "--database", Db);
            Assert.True(code == 0, err);
        }

        return await WithAdminAsync(async sp =>
        {
            var bob = await sp.GetRequiredService<Keycard.Storage.Users.UserAdministration>().FindAsync("bob");
            var consents = sp.GetRequiredService<IConsentStore>();
            var tokens = sp.GetRequiredService<ITokenStore>();
            await consents.GrantAsync(bob!.Id, "partner", ["email"], DateTimeOffset.UtcNow, CancellationToken.None);
            await consents.GrantAsync(bob.Id, "other", ["email"], DateTimeOffset.UtcNow, CancellationToken.None);
            _partnerToken = TestTokens.New(DateTimeOffset.UtcNow, TokenKind.RefreshToken, TimeSpan.FromDays(1), "partner", bob.Id);
            _otherToken = TestTokens.New(DateTimeOffset.UtcNow, TokenKind.RefreshToken, TimeSpan.FromDays(1), "other", bob.Id);
            await tokens.AddAsync([_partnerToken, _otherToken], CancellationToken.None);
            return bob.Id;
        });
    }

    private Task<StoredToken?> FindTokenAsync(StoredToken token) =>
        WithAdminAsync(sp => sp.GetRequiredService<ITokenStore>().FindAsync(token.Hash, CancellationToken.None));

    private async Task<T> WithAdminAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var admin = await AdminContext.OpenAsync(Db, CancellationToken.None);
        return await action(admin.Services);
    }
}
