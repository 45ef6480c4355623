using System.CommandLine;
using Keycard.Core.Security;
using Keycard.Storage.Users;

namespace Keycard.Server.Cli;

/// <summary><c>keycard user add|list|set-password|disable|enable|remove</c>.</summary>
internal static class UserCommands
{
    public static void AddTo(RootCommand root)
    {
        var user = new Command("user", "Manage users.");
        user.Subcommands.Add(Add());
        user.Subcommands.Add(List());
        user.Subcommands.Add(SetPassword());
        user.Subcommands.Add(SetDisabled("disable", disabled: true, "Disable a user and revoke every token they hold."));
        user.Subcommands.Add(SetDisabled("enable", disabled: false, "Enable a disabled user."));
        user.Subcommands.Add(Remove());
        root.Subcommands.Add(user);
    }

    private static Command Add()
    {
        var name = new Argument<string>("username");
        var email = new Option<string>("--email") { Required = true, Description = "The user's email address." };
        var first = new Option<string>("--first-name") { Required = true };
        var last = new Option<string>("--last-name") { Required = true };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input (otherwise one is generated and printed once)." };
        var command = new Command("add", "Add a user.") { name, email, first, last, passwordStdin };
        command.SetAction(async (parse, ct) =>
        {
            var (password, generated) = ReadOrGeneratePassword(parse.GetValue(passwordStdin));
            if (password is null)
            {
                return ClientCommands.Fail("no password on standard input");
            }

            await using var admin = await AdminContext.OpenAsync(parse.GetValue(KeycardCli.Database), ct);
            var users = admin.Services.GetRequiredService<UserAdministration>();
            var (user, errors) = await users.AddAsync(parse.GetValue(name)!, parse.GetValue(email)!, parse.GetValue(first)!, parse.GetValue(last)!, password);
            if (user is null)
            {
                return ClientCommands.Fail(string.Join(" ", errors));
            }

            Console.WriteLine($"Added user '{user.UserName}' with id {user.Id}.");
            if (generated)
            {
                Console.WriteLine($"password: {password}");
                Console.WriteLine("The password is shown once: give it to the user now.");
            }

            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List users.");
        command.SetAction(async (parse, ct) =>
        {
            await using var admin = await AdminContext.OpenExistingAsync(parse.GetValue(KeycardCli.Database), ct);
            foreach (var u in await admin.Services.GetRequiredService<UserAdministration>().ListAsync(ct))
            {
                Console.WriteLine($"{u.Id}\t{u.UserName}\t{u.Email}\t{u.FirstName} {u.LastName}{(u.IsDisabled ? "\t(disabled)" : "")}");
            }

            return 0;
        });
        return command;
    }

    private static Command SetPassword()
    {
        var name = new Argument<string>("username");
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the new password from standard input (otherwise one is generated and printed once)." };
        var command = new Command("set-password", "Set a user's password and revoke every token and sign-in session they hold.") { name, passwordStdin };
        command.SetAction(async (parse, ct) =>
        {
            var (password, generated) = ReadOrGeneratePassword(parse.GetValue(passwordStdin));
            if (password is null)
            {
                return ClientCommands.Fail("no password on standard input");
            }

            await using var admin = await AdminContext.OpenAsync(parse.GetValue(KeycardCli.Database), ct);
            var errors = await admin.Services.GetRequiredService<UserAdministration>().SetPasswordAsync(parse.GetValue(name)!, password, ct);
            if (errors.Count > 0)
            {
                return ClientCommands.Fail(string.Join(" ", errors));
            }

            Console.WriteLine($"Password set for '{parse.GetValue(name)}'.");
            if (generated)
            {
                Console.WriteLine($"password: {password}");
            }

            return 0;
        });
        return command;
    }

    private static Command SetDisabled(string verb, bool disabled, string description)
    {
        var name = new Argument<string>("username");
        var command = new Command(verb, description) { name };
        command.SetAction(async (parse, ct) =>
        {
            await using var admin = await AdminContext.OpenAsync(parse.GetValue(KeycardCli.Database), ct);
            if (!await admin.Services.GetRequiredService<UserAdministration>().SetDisabledAsync(parse.GetValue(name)!, disabled, ct))
            {
                return ClientCommands.Fail($"no user named '{parse.GetValue(name)}'");
            }

            Console.WriteLine($"User '{parse.GetValue(name)}' {verb}d.");
            return 0;
        });
        return command;
    }

    private static Command Remove()
    {
        var name = new Argument<string>("username");
        var command = new Command("remove", "Remove a user and their tokens.") { name };
        command.SetAction(async (parse, ct) =>
        {
            await using var admin = await AdminContext.OpenAsync(parse.GetValue(KeycardCli.Database), ct);
            if (!await admin.Services.GetRequiredService<UserAdministration>().RemoveAsync(parse.GetValue(name)!, ct))
            {
                return ClientCommands.Fail($"no user named '{parse.GetValue(name)}'");
            }

            Console.WriteLine($"Removed user '{parse.GetValue(name)}'.");
            return 0;
        });
        return command;
    }

    private static (string? Password, bool Generated) ReadOrGeneratePassword(bool fromStdin) =>
        fromStdin ? (KeycardCli.ReadSecretLine(), false) : (SecureToken.Generate()[..24], true);
}
