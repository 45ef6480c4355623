using Keycard.Core;
using Keycard.Core.Diagnostics;
using Keycard.Storage;
using Keycard.Storage.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Keycard.Server.Cli;

/// <summary>The services an admin command needs: the core and the stores on the chosen database.</summary>
internal sealed class AdminContext : IAsyncDisposable
{
    private readonly ServiceProvider _root;
    private readonly AsyncServiceScope _scope;

    private AdminContext(ServiceProvider root)
    {
        _root = root;
        _scope = root.CreateAsyncScope();
    }

    public IServiceProvider Services => _scope.ServiceProvider;

    /// <summary>For commands that write: creates the database if needed and migrates it.</summary>
    public static async Task<AdminContext> OpenAsync(string? database, CancellationToken cancellationToken)
    {
        var context = Create(DatabaseLocation.FromSetting(database));
        await context.Services.GetRequiredService<KeycardDatabase>().MigrateAsync(cancellationToken);
        return context;
    }

    /// <summary>
    /// For commands that only read (<c>list</c>, <c>show</c>): the database must exist and be migrated already.
    /// Reading never creates a file, nor changes a schema a running server is using.
    /// </summary>
    public static async Task<AdminContext> OpenExistingAsync(string? database, CancellationToken cancellationToken)
    {
        var location = DatabaseLocation.FromSetting(database);
        if (location.Provider == DatabaseProvider.Sqlite && new SqliteConnectionStringBuilder(location.ConnectionString).DataSource is var file && !File.Exists(file))
        {
            throw new CommandLineException($"there is no database at {file}. Pass --database (or set KEYCARD_DATABASE) to use another one.");
        }

        var context = Create(location);
        if ((await context.Services.GetRequiredService<KeycardDbContext>().Database.GetPendingMigrationsAsync(cancellationToken)).Any())
        {
            await context.DisposeAsync();
            throw new CommandLineException($"the database ({location.Describe()}) is not a Keycard database or has not been migrated to this version. Run 'keycard serve' (or any add command) on it first.");
        }

        return context;
    }

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _root.DisposeAsync();
    }

    private static AdminContext Create(DatabaseLocation location)
    {
        // Admin commands write too (clients, users, revocations): durably on PostgreSQL, as the server does.
        location = location.WithSynchronousCommit();
        var services = new ServiceCollection();
        // Warnings (such as waiting for another process's migration lock) and Keycard's own events (a rotated secret, ...)
        // go to standard error, never silently nowhere, and stay out of --json output.
        services.AddLogging(logging => logging
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddFilter((category, level) => level >= LogLevel.Warning || (category == KeycardTelemetry.LogCategory && level >= LogLevel.Information)));
        services.AddKeycardCore();
        services.AddKeycardStorage(location);

        // The signing-key commands open the private keys with the same key-encryption key the server uses.
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(sp => KeyEncryptionKey.Load(configuration, location));
        return new AdminContext(services.BuildServiceProvider());
    }
}
