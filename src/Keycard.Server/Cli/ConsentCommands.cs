using System.CommandLine;
using System.Globalization;
using Keycard.Core.Consent;
using Keycard.Core.Storage;
using Keycard.Storage.Users;

namespace Keycard.Server.Cli;

/// <summary>
/// <c>keycard consent list [--user U] [--client C]</c> and <c>keycard consent revoke --user U [--client C]</c>: the
/// consents users gave third-party clients (issue 16). Revoking also revokes the client's codes and tokens for the user.
/// </summary>
internal static class ConsentCommands
{
    public static void AddTo(RootCommand root)
    {
        var consent = new Command("consent", "List and revoke users' consents to third-party clients.");
        consent.Subcommands.Add(List());
        consent.Subcommands.Add(Revoke());
        root.Subcommands.Add(consent);
    }

    private static Command List()
    {
        var user = new Option<string>("--user") { Description = "Only this user's consents." };
        var client = new Option<string>("--client") { Description = "Only consents to this client." };
        var command = new Command("list", "List consents: user, client, scopes allowed, when.") { user, client };
        command.SetAction(async (parse, ct) =>
        {
            await using var admin = await AdminContext.OpenExistingAsync(parse.GetValue(KeycardCli.Database), ct);
            int? userId = null;
            if (parse.GetValue(user) is { } userName)
            {
                var found = await admin.Services.GetRequiredService<UserAdministration>().FindAsync(userName);
                if (found is null)
                {
                    return ClientCommands.Fail($"no user named '{userName}'");
                }

                userId = found.Id;
            }

            var users = admin.Services.GetRequiredService<IUserDirectory>();
            foreach (var c in await admin.Services.GetRequiredService<ConsentService>().ListAsync(userId, parse.GetValue(client), ct))
            {
                var name = (await users.FindAsync(c.UserId, ct))?.UserName ?? "#" + c.UserId.ToString(CultureInfo.InvariantCulture);
                var scopes = c.Scopes.Count == 0 ? "(no scope)" : string.Join(' ', c.Scopes);
                Console.WriteLine($"{name}\t{c.ClientId}\t{scopes}\t{c.GrantedAt.ToString("u", CultureInfo.InvariantCulture)}");
            }

            return 0;
        });
        return command;
    }

    private static Command Revoke()
    {
        var user = new Option<string>("--user") { Description = "The user whose consent ends (required).", Required = true };
        var client = new Option<string>("--client") { Description = "Only the consent to this client (default: every client)." };
        var command = new Command("revoke", "End a user's consent to one client or to every client, and revoke those clients' tokens for the user.") { user, client };
        command.SetAction(async (parse, ct) =>
        {
            var userName = parse.GetValue(user)!;
            await using var admin = await AdminContext.OpenAsync(parse.GetValue(KeycardCli.Database), ct);
            var found = await admin.Services.GetRequiredService<UserAdministration>().FindAsync(userName);
            if (found is null)
            {
                return ClientCommands.Fail($"no user named '{userName}'");
            }

            var clientId = parse.GetValue(client);
            if (clientId is not null && await admin.Services.GetRequiredService<IClientStore>().FindAsync(clientId, ct) is null)
            {
                return ClientCommands.Fail($"no client named '{clientId}'");
            }

            var revoked = await admin.Services.GetRequiredService<ConsentService>().RevokeAsync(found.Id, clientId, ct);
            if (clientId is not null && revoked.ClientIds.Count == 0)
            {
                Console.WriteLine($"User '{userName}' had not consented to '{clientId}'; revoked {revoked.TokensRevoked} of its tokens for the user.");
                return 0;
            }

            Console.WriteLine($"Revoked {revoked.ClientIds.Count} consents of user '{userName}' ({string.Join(", ", revoked.ClientIds)}) and {revoked.TokensRevoked} codes and tokens.");
            return 0;
        });
        return command;
    }
}
