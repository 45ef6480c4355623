using System.CommandLine;

namespace Keycard.Server.Cli;

/// <summary><c>keycard tokens prune</c>: the background pruning, on demand.</summary>
internal static class TokenCommands
{
    public static void AddTo(RootCommand root)
    {
        var tokens = new Command("tokens", "Manage stored codes and tokens.");
        var retention = new Option<TimeSpan>("--retention")
        {
            Description = "Keep rows that expired or were revoked less than this long ago.",
            DefaultValueFactory = _ => TimeSpan.FromHours(1),
        };
        var prune = new Command("prune", "Delete expired and revoked codes and tokens, in small batches.") { retention };
        prune.SetAction(async (parse, ct) =>
        {
            await using var admin = await AdminContext.OpenAsync(parse.GetValue(KeycardCli.Database), ct);
            var time = admin.Services.GetRequiredService<TimeProvider>();
            var removed = await TokenPruningService.PruneAsync(
                admin.Services.GetRequiredService<IServiceScopeFactory>(), time.GetUtcNow() - parse.GetValue(retention), ct);
            Console.WriteLine($"Pruned {removed} expired or revoked codes and tokens.");
            return 0;
        });
        tokens.Subcommands.Add(prune);
        root.Subcommands.Add(tokens);
    }
}
