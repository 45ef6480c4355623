using System.CommandLine;
using System.CommandLine.Parsing;

namespace Keycard.Server.Cli;

/// <summary>The command tree. Each command group lives in its own file.</summary>
internal static class KeycardCli
{
    /// <summary>The exit code of a command line Keycard did not understand; nothing was done.</summary>
    public const int UsageError = 2;

    /// <summary>Shared by every command: which database to use.</summary>
    public static readonly Option<string?> Database = new("--database")
    {
        Description = "SQLite file path (default keycard.db in the working directory), postgres://user:pass@host:port/db, or an Npgsql connection string. Env: KEYCARD_DATABASE.",
        Recursive = true,
    };

    /// <param name="settings">Configuration arguments for the server (<see cref="HostSettingArguments"/>).</param>
    public static RootCommand Create(IReadOnlyList<string>? settings = null)
    {
        var root = new RootCommand("Keycard: a self-hosted OAuth 2.0 authorization server (iOFFICE dialect and RFC 6749). Without a command, it serves.");
        root.Options.Add(Database);
        ServeCommand.AddTo(root, settings ?? []);
        ClientCommands.AddTo(root);
        UserCommands.AddTo(root);
        TokenCommands.AddTo(root);
        SessionCommands.AddTo(root);
        ConfigCommands.AddTo(root, settings ?? []);
        BackupCommands.AddTo(root);
        KeyCommands.AddTo(root);
        ConsentCommands.AddTo(root);
        return root;
    }

    /// <summary>
    /// Parses, refuses anything it does not understand before doing anything (exit code 2), then runs the command.
    /// Every command added to the tree gets the same checks.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var (commandLine, settings) = HostSettingArguments.Split(args);
        var parse = Create(settings).Parse(commandLine);
        if (FindUsageError(parse, settings) is { } error)
        {
            await Console.Error.WriteLineAsync(error);
            return UsageError;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (CommandLineException ex)
        {
            await Console.Error.WriteLineAsync("keycard: " + ex.Message);
            return 1;
        }
        catch (System.Data.Common.DbException ex)
        {
            await Console.Error.WriteLineAsync("keycard: the database failed: " + ex.Message);
            return 1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file the command must read or write (a backup's folder, a key file) is missing or not allowed: one
            // line naming it, not the runtime's stack trace.
            await Console.Error.WriteLineAsync("keycard: " + ex.Message);
            return 1;
        }
        catch (Storage.DataProtection.KeyEncryptionKeyException ex)
        {
            // `keys rotate` on PostgreSQL without the cluster's key-encryption key: a setting mistake, one line.
            await Console.Error.WriteLineAsync("keycard: " + ex.Message);
            return 1;
        }
    }

    /// <summary>One line naming the first mistake on the command line and what to do instead, or null.</summary>
    internal static string? FindUsageError(ParseResult parse, IReadOnlyList<string> settings)
    {
        var command = parse.CommandResult.Command;
        var name = CommandPath(parse.CommandResult);
        var help = $"Run '{name} --help' for usage.";
        if (parse.UnmatchedTokens.Count > 0)
        {
            var unknown = parse.UnmatchedTokens[0];
            var isOption = unknown.StartsWith('-');
            var candidates = isOption ? OptionNames(parse.CommandResult) : command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
            var kind = isOption ? "option" : command.Subcommands.Count > 0 ? "command" : "argument";
            return Suggestions.Closest(unknown.Split('=', 2)[0], candidates) is { } suggestion
                ? $"{name}: unknown {kind} '{unknown}'. Did you mean '{suggestion}'?"
                : $"{name}: unknown {kind} '{unknown}'. {help}";
        }

        if (parse.Errors.Count > 0)
        {
            return $"{name}: {string.Join(" ", parse.Errors.Select(e => e.Message))} {help}";
        }

        return settings.Count > 0 && !ServeCommand.TakesSettings(command)
            ? $"{name}: '{settings[0]}' is a server setting; only 'keycard serve' and 'keycard config show' take settings."
            : null;
    }

    /// <summary>Reads one line from standard input: secrets never travel on the command line, where `ps` shows them.</summary>
    public static string? ReadSecretLine()
    {
        var line = Console.In.ReadLine();
        return line?.TrimEnd('\r', '\n');
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is CommandResult c && c.Command is not RootCommand)
            {
                names.Insert(0, c.Command.Name);
            }
        }

        return string.Join(' ', names.Prepend("keycard"));
    }

    /// <summary>The options a command accepts: its own and its ancestors' recursive ones.</summary>
    private static IEnumerable<string> OptionNames(CommandResult result)
    {
        for (SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is CommandResult c)
            {
                foreach (var option in c.Command.Options.Where(o => r == result || o.Recursive))
                {
                    yield return option.Name;
                }
            }
        }
    }
}
