using System.CommandLine;

namespace Keycard.Server.Cli;

/// <summary>The command tree. Each command group lives in its own file.</summary>
internal static class KeycardCli
{
    /// <summary>Shared by every command: which database to use.</summary>
    public static readonly Option<string?> Database = new("--database")
    {
        Description = "SQLite file path (default keycard.db), postgres://user:pass@host:port/db, or an Npgsql connection string. Env: KEYCARD_DATABASE.",
        Recursive = true,
    };

    public static RootCommand Create()
    {
        var root = new RootCommand("Keycard: a self-hosted OAuth 2.0 authorization server (iOFFICE dialect and RFC 6749).");
        root.Options.Add(Database);
        ServeCommand.AddTo(root);
        ClientCommands.AddTo(root);
        UserCommands.AddTo(root);
        TokenCommands.AddTo(root);
        ConfigCommands.AddTo(root);
        BackupCommands.AddTo(root);
        return root;
    }

    /// <summary>Reads one line from standard input: secrets never travel on the command line, where `ps` shows them.</summary>
    public static string? ReadSecretLine()
    {
        var line = Console.In.ReadLine();
        return line?.TrimEnd('\r', '\n');
    }
}
