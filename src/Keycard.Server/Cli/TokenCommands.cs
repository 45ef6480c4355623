using System.CommandLine;
using Keycard.Storage.Stores;

namespace Keycard.Server.Cli;

/// <summary><c>keycard tokens prune</c>: the background pruning, on demand; <c>keycard tokens revoke</c>: end every session of a user or a client.</summary>
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
        tokens.Subcommands.Add(Revoke());
        root.Subcommands.Add(tokens);
    }

    /// <summary>
    /// <c>keycard tokens revoke --user U | --client C</c>: revokes every code and token of one user (and ends their
    /// browser sign-in sessions) or of one client, e.g. after a leaked secret (RFC 9700 §4.14).
    /// </summary>
    private static Command Revoke()
    {
        var user = new Option<string>("--user") { Description = "Revoke every token and sign-in session of this user." };
        var client = new Option<string>("--client") { Description = "Revoke every token issued to this client." };
        var revoke = new Command("revoke", "Revoke every token of one user (and end their sign-in sessions) or of one client.") { user, client };
        revoke.SetAction(async (parse, ct) =>
        {
            var userName = parse.GetValue(user);
            var clientId = parse.GetValue(client);
            if ((userName is null) == (clientId is null))
            {
                return ClientCommands.Fail("name exactly one of --user or --client");
            }

            await using var admin = await AdminContext.OpenAsync(parse.GetValue(KeycardCli.Database), ct);
            var tokens = admin.Services.GetRequiredService<TokenAdministration>();
            if (userName is not null)
            {
                var revoked = await tokens.RevokeUserAsync(userName, ct);
                if (revoked is null)
                {
                    return ClientCommands.Fail($"no user named '{userName}'");
                }

                Console.WriteLine($"Revoked {revoked} tokens of user '{userName}' and ended their sign-in sessions.");
                return 0;
            }

            var forClient = await tokens.RevokeClientAsync(clientId!, ct);
            if (forClient is null)
            {
                return ClientCommands.Fail($"no client '{clientId}'");
            }

            Console.WriteLine($"Revoked {forClient} tokens of client '{clientId}'.");
            return 0;
        });
        return revoke;
    }
}
