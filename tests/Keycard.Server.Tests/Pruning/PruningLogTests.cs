using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.Pruning;

/// <summary>A pruning pass runs every few minutes; it must not log a warning each time (issue 13 item 7).</summary>
public sealed class PruningLogTests
{
    [Fact]
    public async Task PrunePass_LogsNoEntityFrameworkWarning()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = new KeycardFactory { Logs = logs };
        await factory.SeedAsync();

        var removed = await TokenPruningService.PruneAsync(factory.Services.GetRequiredService<IServiceScopeFactory>(), factory.Time.GetUtcNow(), CancellationToken.None);

        Assert.Equal(0, removed);
        Assert.DoesNotContain(logs.Entries, e => e.StartsWith("Warning Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
        Assert.DoesNotContain("row limiting operator", logs.AllText, StringComparison.Ordinal);
    }
}
