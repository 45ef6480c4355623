using Keycard.Core;
using Keycard.Storage;

namespace Keycard.Server.Cli;

/// <summary>The services an admin command needs: the core and the stores on the chosen database, migrated.</summary>
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

    public static async Task<AdminContext> OpenAsync(string? database, CancellationToken cancellationToken)
    {
        // Admin commands write too (clients, users, revocations): durably on PostgreSQL, as the server does.
        var location = DatabaseLocation.FromSetting(database).WithSynchronousCommit();
        var services = new ServiceCollection();
        // Warnings (such as waiting for another process's migration lock) go to standard error, never silently nowhere.
        services.AddLogging(b => b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning));
        services.AddKeycardCore();
        services.AddKeycardStorage(location);
        var context = new AdminContext(services.BuildServiceProvider());
        await context.Services.GetRequiredService<KeycardDatabase>().MigrateAsync(cancellationToken);
        return context;
    }

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _root.DisposeAsync();
    }
}
