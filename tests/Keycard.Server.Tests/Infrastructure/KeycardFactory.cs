using Keycard.Core.Clients;
using Keycard.Core.Security;
using Keycard.Core.Storage;
using Keycard.Storage;
using Keycard.Storage.Users;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Keycard.Server.Tests.Infrastructure;

/// <summary>
/// Keycard in memory through WebApplicationFactory&lt;Program&gt;, on its own SQLite file and a fake clock.
/// Each test class gets a fresh database; seed what a test needs with the helpers.
/// </summary>
public class KeycardFactory : WebApplicationFactory<Program>
{
    public const string UserName = "alice";
    public const string Password = "correct horse battery staple";
    public const string PublicClientId = "spa";
    public const string ConfidentialClientId = "webapp";
    public const string RedirectUri = "https://app.example.com/callback";
    public const string Origin = "https://app.example.com";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "keycard-tests", Guid.NewGuid().ToString("N"));

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));

    /// <summary>Extra configuration ("Keycard:AccessTokenLifetime" and so on) applied before the host starts.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    public string DatabasePath => Path.Combine(_folder, "keycard.db");

    public string ConfidentialSecret { get; private set; } = "";

    /// <summary>Set before the host starts to record every log entry of every category, down to Trace.</summary>
    public CapturingLoggerProvider? Logs { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(_folder);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        if (Logs is { } logs)
        {
            builder.ConfigureLogging(logging =>
            {
                logging.AddProvider(logs);
                logging.AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace);
            });
        }

        builder.ConfigureServices(services =>
        {
            services.AddSingleton(DatabaseLocation.Parse(DatabasePath));
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
        });
    }

    /// <summary>Starts the server and seeds one user, one public and one confidential client.</summary>
    public async Task<KeycardFactory> SeedAsync()
    {
        // StartServer, not Server: a test may have chosen Kestrel (UseKestrel) for a real socket.
        StartServer();
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        if (await users.FindAsync(UserName) is null)
        {
            var (_, errors) = await users.AddAsync(UserName, "alice@example.com", "Alice", "Liddell", Password);
            Assert.Empty(errors);
        }

        var clients = scope.ServiceProvider.GetRequiredService<IClientStore>();
        await clients.AddAsync(NewClient(PublicClientId) with { AllowedOrigins = [Origin] }, CancellationToken.None);
        ConfidentialSecret = SecureToken.Generate();
        await clients.AddAsync(NewClient(ConfidentialClientId) with
        {
            IsConfidential = true,
            SecretHash = SecureToken.Hash(ConfidentialSecret),
            AllowClientCredentials = true,
        }, CancellationToken.None);
        return this;
    }

    public static Client NewClient(string clientId) => new()
    {
        ClientId = clientId,
        Name = "Test app " + clientId,
        AppCode = clientId + "-code",
        RedirectUris = [RedirectUri],
    };

    public async Task AddClientAsync(Client client)
    {
        await using var scope = Services.CreateAsyncScope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<IClientStore>().AddAsync(client, CancellationToken.None));
    }

    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
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
}
