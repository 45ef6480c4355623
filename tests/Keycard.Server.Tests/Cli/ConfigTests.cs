namespace Keycard.Server.Tests.Cli;

/// <summary>Settings are checked at start (one line naming the setting and its range) and shown by <c>keycard config show</c>.</summary>
public sealed class ConfigTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "keycard-config-tests", Guid.NewGuid().ToString("N"));

    public ConfigTests() => Directory.CreateDirectory(_folder);

    private string Db => Path.Combine(_folder, "config.db");

    [Theory]
    [InlineData("--Keycard:AccessTokenLifetime=00:00:00", "Keycard:AccessTokenLifetime is 00:00:00; it must be between 00:00:01 and 1.00:00:00")]
    [InlineData("--Keycard:Lockout:MaxFailedAttempts=0", "Keycard:Lockout:MaxFailedAttempts is 0; it must be between 1 and 1000")]
    [InlineData("--Keycard:Cache:Duration=00:10:00", "Keycard:Cache:Duration is 00:10:00; it must be between 00:00:00 and 00:01:00")]
    [InlineData("--Keycard:MinPoolThreads=0", "Keycard:MinPoolThreads is 0; it must be between 1 and 1024")]
    [InlineData("--Keycard:Telemetry:MetricsUrl=metrics-port", "Keycard:Telemetry:MetricsUrl is 'metrics-port'; it must be an absolute http(s) URL")]
    [InlineData("--Keycard:DatabaseTimeout=00:00:00", "Keycard:DatabaseTimeout is 00:00:00; it must be between 00:00:01 and 00:10:00")]
    [InlineData("--Keycard:RefreshTokenLifetime=forever", "'Keycard:RefreshTokenLifetime'")]
    public async Task Serve_SettingOutOfRange_StopsWithOneLineNamingIt(string setting, string expected)
    {
        var (code, output, err) = await KeycardProcess.RunAsync(null, "serve", "--urls", "http://127.0.0.1:0", "--database", Db, setting);

        Assert.Equal(1, code);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("keycard: cannot start: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + err, StringComparison.Ordinal);

        // Checked before the database is touched.
        Assert.False(File.Exists(Db));
    }

    // 32 bytes of base64: a key-encryption key as an operator would pass it, which config show must never print.
    private const string KeyEncryptionKey = "q2Yx0o3Vn8VYb3m2l0K4lW7p5f1t9Zq8c6r0a2e4g6I=";

    [Fact]
    public async Task ConfigShow_PostgresWithPassword_PrintsEffectiveSettingsWithPasswordMasked()
    {
        var (code, output, err) = await KeycardProcess.RunAsync(null, "config", "show",
            "--database", "postgres://keycard:s3cret-pa55word@db.example.com:5432/keycard", "--Keycard:AccessTokenLifetime=00:10:00",
            "--Keycard:Telemetry:OtlpEndpoint=http://collector:4317", "--Keycard:Clientsecret=hunter2-hunter2", "--Keycard:AccesTokenLifetime=00:01:00",
            "--Keycard:KeyEncryptionKey=" + KeyEncryptionKey);

        Assert.True(code == 0, err);
        Assert.Contains("Keycard:Database = PostgreSQL ", output, StringComparison.Ordinal);
        Assert.Contains("Password=********", output, StringComparison.Ordinal);
        Assert.Contains("Keycard:AccessTokenLifetime = 00:10:00", output, StringComparison.Ordinal);
        Assert.Contains("Keycard:RefreshTokenLifetime = 30.00:00:00", output, StringComparison.Ordinal);
        Assert.Contains("Keycard:Lockout:MaxFailedAttempts = 5", output, StringComparison.Ordinal);
        Assert.Contains("Keycard:Telemetry:OtlpEndpoint = http://collector:4317", output, StringComparison.Ordinal);
        Assert.Contains("Keycard:AccesTokenLifetime = 00:01:00   (not a setting of this build", output, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pa55word", output + err, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-hunter2", output + err, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyEncryptionKey, output + err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_PostgresWithoutKeyEncryptionKey_IsOneLineWithoutStackTrace()
    {
        // Building the gateway's routes resolves Data Protection, and so the key-encryption key, before the database is
        // touched: the refusal must still be the one line an operator can act on (exit 1), never a crash.
        var (code, output, err) = await KeycardProcess.RunAsync(null, "serve", "--urls", "http://127.0.0.1:1", "--database", "postgres://keycard:pw@127.0.0.1:1/keycard");

        Assert.Equal(1, code);
        Assert.StartsWith("keycard: cannot start: ", err, StringComparison.Ordinal);
        Assert.Contains("KEYCARD_KEY_ENCRYPTION_KEY", err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigShow_PostgresWithoutKeyEncryptionKey_IsOneLineWithoutStackTrace()
    {
        // PostgreSQL nodes must share a key-encryption key (docs/deployment.md): its absence is a setting mistake.
        var (code, output, err) = await KeycardProcess.RunAsync(null, "config", "show", "--database", "postgres://keycard:pw@db.example.com:5432/keycard");

        Assert.Equal(1, code);
        Assert.Contains("KEYCARD_KEY_ENCRYPTION_KEY", err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigShow_DatabaseSettings_AreShownAsSettingsNotAsMisspellings()
    {
        var (code, output, err) = await KeycardProcess.RunAsync(null, "config", "show",
            "--database", Db, "--Keycard:DatabaseTimeout=00:00:09", "--Keycard:AllowAsyncCommit=true");

        Assert.True(code == 0, err);
        Assert.Contains("Keycard:DatabaseTimeout = 00:00:09" + Environment.NewLine, output, StringComparison.Ordinal);
        Assert.Contains("Keycard:AllowAsyncCommit = True" + Environment.NewLine, output, StringComparison.Ordinal);
        Assert.DoesNotContain("not a setting", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigShow_GatewaySigningKeysAndKeyEncryptionKey_AreSettingsShownReadablyAndMasked()
    {
        var (code, output, err) = await KeycardProcess.RunAsync(null, "config", "show", "--database", Db,
            "--Keycard:Gateway:Routes:orders:PathPrefix=/external/api/rest/v2/orders", "--Keycard:Gateway:Routes:orders:Upstream=http://127.0.0.1:9/",
            "--Keycard:Gateway:Routes:orders:MethodScopes:DELETE=orders.write", "--Keycard:Gateway:Routes:orders:Upstrem=http://typo/",
            "--Keycard:SigningKeys:RefreshInterval=00:00:05", "--Keycard:KeyEncryptionKey=" + KeyEncryptionKey);

        Assert.True(code == 0, err);
        Assert.Contains("Keycard:Gateway:Routes:orders:PathPrefix = /external/api/rest/v2/orders" + Environment.NewLine, output, StringComparison.Ordinal);
        Assert.Contains("Keycard:Gateway:Routes:orders:Upstream = http://127.0.0.1:9/" + Environment.NewLine, output, StringComparison.Ordinal);
        Assert.Contains("Keycard:Gateway:Routes:orders:MethodScopes:DELETE = orders.write" + Environment.NewLine, output, StringComparison.Ordinal);
        Assert.Contains("Keycard:Gateway:Routes:orders:Timeout = 00:01:40" + Environment.NewLine, output, StringComparison.Ordinal);
        Assert.Contains("Keycard:Gateway:Upstream = (not set)" + Environment.NewLine, output, StringComparison.Ordinal);
        Assert.Contains("Keycard:SigningKeys:RefreshInterval = 00:00:05" + Environment.NewLine, output, StringComparison.Ordinal);
        Assert.Contains("Keycard:SigningKeys:RotationPeriod = 90.00:00:00" + Environment.NewLine, output, StringComparison.Ordinal);
        Assert.Contains("Keycard:KeyEncryptionKey = ********" + Environment.NewLine, output, StringComparison.Ordinal);
        Assert.Contains("Keycard:KeyEncryptionKeyFile = (not set)" + Environment.NewLine, output, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyEncryptionKey, output + err, StringComparison.Ordinal);

        // A misspelled property of a route is still caught; nothing else is called unknown.
        var unknown = output.Split(Environment.NewLine).Where(l => l.Contains("not a setting", StringComparison.Ordinal)).ToList();
        Assert.StartsWith("Keycard:Gateway:Routes:orders:Upstrem = ", Assert.Single(unknown), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
