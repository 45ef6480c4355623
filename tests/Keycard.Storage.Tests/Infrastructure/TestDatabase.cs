using Keycard.Core;
using Keycard.Core.Storage;
using Keycard.Core.Tokens;
using Keycard.Storage;
using Keycard.Storage.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Keycard.Storage.Tests.Infrastructure;

/// <summary>
/// One fresh, migrated database per test class (an xUnit class fixture), with Keycard's stores on it and a fake clock.
/// Tests in a class share it, so each test names its own clients, users, keys and token families.
/// </summary>
public abstract class TestDatabase : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The key-encryption key of every test database (signing keys are stored encrypted with it).</summary>
    public static readonly KeyEncryptionKey TestKeyEncryptionKey = KeyEncryptionKey.FromBytes(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), "test");

    private ServiceProvider? _services;

    public FakeTimeProvider Time { get; } = new(Start);

    public DatabaseLocation Location { get; private set; } = null!;

    public IServiceProvider Services => _services ?? throw new InvalidOperationException("The database was not created.");

    /// <summary>Why this provider cannot be tested on this machine; null when it can.</summary>
    public virtual string? Unavailable => null;

    public async Task InitializeAsync()
    {
        if (Unavailable is not null)
        {
            return;
        }

        Location = await CreateEmptyAsync();
        _services = BuildServices(Location, Time);
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<KeycardDatabase>().MigrateAsync(CancellationToken.None);
    }

    /// <summary>A new database with no tables, dropped with the fixture.</summary>
    public abstract Task<DatabaseLocation> CreateEmptyAsync();

    /// <summary>What this database puts before a statement to show its plan instead of running it.</summary>
    public abstract string ExplainPrefix { get; }

    /// <summary>The index's definition as the database itself holds it (its CREATE INDEX); null when there is none.</summary>
    public abstract Task<string?> IndexDefinitionAsync(DatabaseLocation location, string index);

    /// <summary>Gathers the planner's statistics of <paramref name="table"/> as the database would by itself in service.</summary>
    public abstract Task AnalyzeAsync(DatabaseLocation location, string table);

    /// <summary>
    /// Keycard's stores on <paramref name="location"/>, as the server composes them; <paramref name="interceptor"/>, when
    /// given, is added to every context (e.g. a <see cref="PlanRecorder"/>).
    /// </summary>
    public static ServiceProvider BuildServices(DatabaseLocation location, TimeProvider time, IInterceptor? interceptor = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(time);
        services.AddKeycardCore();
        services.AddKeycardStorage(location);
        services.AddSingleton(TestKeyEncryptionKey);
        if (interceptor is not null)
        {
            services.ConfigureDbContext<SqliteKeycardDbContext>(o => o.AddInterceptors(interceptor));
            services.ConfigureDbContext<PostgresKeycardDbContext>(o => o.AddInterceptors(interceptor));
        }

        return services.BuildServiceProvider();
    }

    /// <summary>Runs <paramref name="action"/> in its own scope: its own DbContext, as one request on a node would.</summary>
    public async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    public async Task InScopeAsync(Func<IServiceProvider, Task> action)
    {
        await using var scope = Services.CreateAsyncScope();
        await action(scope.ServiceProvider);
    }

    /// <summary>Stores <paramref name="tokens"/> through <see cref="ITokenStore"/>, in a scope of their own.</summary>
    public Task AddTokensAsync(params StoredToken[] tokens) =>
        InScopeAsync(sp => sp.GetRequiredService<ITokenStore>().AddAsync(tokens, CancellationToken.None));

    /// <summary>The token stored under <paramref name="hash"/>, read through <see cref="ITokenStore"/> in a scope of its own.</summary>
    public Task<StoredToken?> FindTokenAsync(byte[] hash) =>
        InScopeAsync(sp => sp.GetRequiredService<ITokenStore>().FindAsync(hash, CancellationToken.None));

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        await DropAsync();
    }

    protected abstract Task DropAsync();
}
