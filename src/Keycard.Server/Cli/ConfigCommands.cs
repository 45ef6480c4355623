using System.CommandLine;
using System.Globalization;
using Keycard.Server.Configuration;
using Keycard.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Keycard.Server.Cli;

/// <summary><c>keycard config show</c>: the effective configuration, secrets masked.</summary>
internal static class ConfigCommands
{
    public const string Mask = "********";

    /// <param name="settings">The same configuration arguments <c>serve</c> takes (<see cref="HostSettingArguments"/>).</param>
    public static void AddTo(RootCommand root, IReadOnlyList<string> settings)
    {
        var config = new Command("config", "Inspect Keycard's configuration.");
        var show = new Command("show", "Print every Keycard setting with its effective value (appsettings, KEYCARD_ environment, command line, defaults); secrets masked.");
        show.SetAction(parse =>
        {
            var serve = new ServeOptions { Database = parse.GetValue(KeycardCli.Database) };
            try
            {
                using var app = KeycardServer.Build(serve, [.. settings]);
                foreach (var line in Describe(app.Services, app.Configuration))
                {
                    Console.WriteLine(line);
                }

                app.Services.GetService<IStartupValidator>()?.Validate();
                return 0;
            }
            catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException or Storage.DataProtection.KeyEncryptionKeyException)
            {
                return ClientCommands.Fail(ex.Message);
            }
        });
        config.Subcommands.Add(show);
        root.Subcommands.Add(config);
    }

    /// <summary>One "Keycard:Name = value" line per setting, then any configured Keycard: key no setting reads.</summary>
    internal static IEnumerable<string> Describe(IServiceProvider services, IConfiguration configuration)
    {
        var location = services.GetRequiredService<DatabaseLocation>();
        var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { KeycardServer.DatabaseSetting };
        yield return $"{KeycardServer.DatabaseSetting} = {MaskDatabase(location)}";
        foreach (var (section, type) in KeycardSettings.Sections)
        {
            var options = services.GetRequiredService(typeof(IOptions<>).MakeGenericType(type));
            var value = options.GetType().GetProperty(nameof(IOptions<object>.Value))!.GetValue(options)!;
            foreach (var property in type.GetProperties().Where(p => p.CanWrite && p.GetIndexParameters().Length == 0))
            {
                var key = section + ":" + property.Name;
                if (known.Add(key))
                {
                    yield return $"{key} = {Show(key, property.GetValue(value))}";
                }
            }
        }

        foreach (var (key, value) in configuration.GetSection("Keycard").AsEnumerable().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (value is not null && !known.Contains(key) && !known.Any(k => key.StartsWith(k + ":", StringComparison.OrdinalIgnoreCase)))
            {
                yield return $"{key} = {Show(key, value)}   (not a setting of this build: check the spelling)";
            }
        }
    }

    private static string Show(string key, object? value)
    {
        var leaf = key[(key.LastIndexOf(':') + 1)..];
        // By the name's ending: Password, ClientSecret, KeyEncryptionKey, ConnectionString, ...Token.
        string[] sensitive = ["password", "secret", "key", "connectionstring", "token"];
        if (value is not null && sensitive.Any(s => leaf.EndsWith(s, StringComparison.OrdinalIgnoreCase)))
        {
            return Mask;
        }

        return value switch
        {
            null => "(not set)",
            TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
            string[] items => items.Length == 0 ? "(none)" : string.Join(' ', items),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
    }

    private static string MaskDatabase(DatabaseLocation location)
    {
        if (location.Provider == DatabaseProvider.Sqlite)
        {
            return "SQLite " + new SqliteConnectionStringBuilder(location.ConnectionString).DataSource;
        }

        var builder = new NpgsqlConnectionStringBuilder(location.ConnectionString);
        if (!string.IsNullOrEmpty(builder.Password))
        {
            builder.Password = Mask;
        }

        return "PostgreSQL " + builder.ConnectionString;
    }
}
