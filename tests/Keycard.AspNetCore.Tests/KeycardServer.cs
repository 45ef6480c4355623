using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Keycard.AspNetCore.Tests;

/// <summary>
/// A real <c>keycard serve</c> on 127.0.0.1 with a fresh SQLite database: alice (a user), <c>spa</c> (the app the
/// iOFFICE client library signs in to) and <c>workplace-api</c> (the sample's confidential client, allowed to
/// introspect). Access tokens live <see cref="AccessTokenLifetime"/> so a test can see one expire.
/// </summary>
public sealed class KeycardServer : IAsyncDisposable
{
    public const string UserName = "alice";
    public const string Password = "correct horse battery staple";
    public const string AppClientId = "spa";
    public const string ApiClientId = "workplace-api";
    public const string RedirectUri = "https://app.example.com/callback";

    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromSeconds(4);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "keycard-aspnetcore-tests", Guid.NewGuid().ToString("N"));
    private readonly List<string> _output = [];
    private Process? _process;

    private KeycardServer(int port)
    {
        BaseUrl = "http://127.0.0.1:" + port;
        Directory.CreateDirectory(_folder);
    }

    public string BaseUrl { get; }

    public string ApiClientSecret { get; private set; } = "";

    private string Db => Path.Combine(_folder, "keycard.db");

    /// <summary>Reserves the port (the API must know Keycard's URL before either starts) and seeds the database.</summary>
    public static async Task<KeycardServer> CreateAsync()
    {
        var server = new KeycardServer(FreePort());
        await server.RunAsync(Password, "user", "add", UserName, "--email", "alice@example.com", "--first-name", "Alice", "--last-name", "Liddell", "--password-stdin");
        await server.RunAsync(null, "client", "add", AppClientId, "--redirect-uri", RedirectUri);
        var api = await server.RunAsync(null, "client", "add", ApiClientId, "--redirect-uri", "https://unused.example.com/cb", "--confidential", "--json");
        server.ApiClientSecret = JsonDocument.Parse(api).RootElement.GetProperty("client_secret").GetString()!;
        return server;
    }

    /// <summary>Registers a public client whose access tokens are RFC 9068 JWTs for <paramref name="resource"/> (their <c>aud</c>).</summary>
    public Task AddJwtClientAsync(string clientId, string resource, string algorithm = "RS256") =>
        RunAsync(null, "client", "add", clientId, "--redirect-uri", RedirectUri, "--access-token-format", "jwt", "--resource", resource, "--signing-algorithm", algorithm);

    /// <summary><c>keycard keys rotate --now</c>, run beside the serving process as an operator would after a key leak.</summary>
    public Task RotateKeysNowAsync() => RunAsync(null, "keys", "rotate", "--now");

    /// <summary>Starts <c>keycard serve</c> with extra settings (e.g. gateway routes) as environment variables.</summary>
    public async Task StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var start = KeycardProcess.StartInfo(["serve", "--urls", BaseUrl, "--database", Db]);
        start.Environment["Keycard__Issuer"] = BaseUrl;
        start.Environment["Keycard__IntrospectionClients__0"] = ApiClientId;
        start.Environment["Keycard__AccessTokenLifetime"] = AccessTokenLifetime.ToString();
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        _process = Process.Start(start)!;
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            _output.Add(line);
            if (line.StartsWith("Keycard listening", StringComparison.Ordinal))
            {
                _ = DrainAsync(_process.StandardOutput);
                _ = DrainAsync(_process.StandardError);
                return;
            }
        }

        Assert.Fail("keycard serve exited: " + await _process.StandardError.ReadToEndAsync());
    }

    private static async Task DrainAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is not null)
        {
        }
    }

    private async Task<string> RunAsync(string? stdin, params string[] args)
    {
        var (code, output, error) = await KeycardProcess.RunAsync([.. args, "--database", Db], stdin);
        Assert.True(code == 0, $"keycard {string.Join(' ', args)} failed: {error}");
        return output;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
