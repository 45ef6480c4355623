using Keycard.Core;
using Keycard.Core.Diagnostics;
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
        var location = DatabaseLocation.FromSetting(database);
        var services = new ServiceCollection();
        // Keycard's own events (a rotated secret, ...) go to standard error, where they stay out of --json output.
        services.AddLogging(logging => logging
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddFilter((category, level) => category == KeycardTelemetry.LogCategory && level >= LogLevel.Information));
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
