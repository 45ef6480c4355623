using System.Collections;
using System.CommandLine;
using System.Globalization;
using Keycard.Server.Configuration;
using Keycard.Storage;
using Keycard.Storage.DataProtection;
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

    /// <summary>
    /// One "Keycard:Name = value" line per setting (a dictionary such as the gateway's routes one line per entry and
    /// property, "Keycard:Gateway:Routes:orders:Upstream = ..."), then any configured Keycard: key no setting reads.
    /// </summary>
    internal static IEnumerable<string> Describe(IServiceProvider services, IConfiguration configuration)
    {
        var location = services.GetRequiredService<DatabaseLocation>();
        var settings = new List<(string Key, string Text)>
        {
            (KeycardServer.DatabaseSetting, MaskDatabase(location)),
            (KeyEncryptionKey.Setting, DescribeKeyEncryptionKey(configuration)),
            (KeyEncryptionKey.FileSetting, Show(KeyEncryptionKey.FileSetting, configuration[KeyEncryptionKey.FileSetting])),
        };
        var lists = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (section, type) in KeycardSettings.Sections)
        {
            var options = services.GetRequiredService(typeof(IOptions<>).MakeGenericType(type));
            Flatten(section, options.GetType().GetProperty(nameof(IOptions<object>.Value))!.GetValue(options)!, settings, lists);
        }

        var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, text) in settings)
        {
            if (known.Add(key))
            {
                yield return $"{key} = {text}";
            }
        }

        foreach (var (key, value) in configuration.GetSection("Keycard").AsEnumerable().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (value is not null && !known.Contains(key) && !lists.Any(k => key.StartsWith(k + ":", StringComparison.OrdinalIgnoreCase)))
            {
                yield return $"{key} = {Show(key, value)}   (not a setting of this build: check the spelling)";
            }
        }
    }

    /// <summary>
    /// The settings of one bound options object: a dictionary (the gateway's routes, a route's method scopes) one entry
    /// at a time under its key, a nested object property by property, a list on one line (its items are "Key:0", ...).
    /// </summary>
    private static void Flatten(string prefix, object value, List<(string Key, string Text)> settings, HashSet<string> lists)
    {
        foreach (var property in value.GetType().GetProperties().Where(p => p.CanWrite && p.GetIndexParameters().Length == 0))
        {
            var key = prefix + ":" + property.Name;
            switch (property.GetValue(value))
            {
                case IDictionary dictionary when dictionary.Count == 0:
                    settings.Add((key, "(none)"));
                    break;
                case IDictionary dictionary:
                    foreach (var name in dictionary.Keys.Cast<object>().Select(k => k.ToString()!).Order(StringComparer.Ordinal))
                    {
                        var entryKey = key + ":" + name;
                        if (dictionary[name] is not { } entry || IsScalar(entry.GetType()))
                        {
                            settings.Add((entryKey, Show(entryKey, dictionary[name])));
                        }
                        else
                        {
                            Flatten(entryKey, entry, settings, lists);
                        }
                    }

                    break;
                case { } nested when !IsScalar(nested.GetType()) && nested is not IEnumerable:
                    Flatten(key, nested, settings, lists);
                    break;
                case var item:
                    if (item is IEnumerable and not string)
                    {
                        lists.Add(key);
                    }

                    settings.Add((key, Show(key, item)));
                    break;
            }
        }
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(TimeSpan) || type == typeof(decimal) || type == typeof(Uri) ||
        type == typeof(DateTimeOffset) || type == typeof(DateTime);

    /// <summary>Where the key-encryption key comes from, never the key: the environment variable wins over the setting.</summary>
    private static string DescribeKeyEncryptionKey(IConfiguration configuration) =>
        Environment.GetEnvironmentVariable(KeyEncryptionKey.EnvironmentVariable) is { Length: > 0 }
            ? $"{Mask}   (from {KeyEncryptionKey.EnvironmentVariable})"
            : Show(KeyEncryptionKey.Setting, configuration[KeyEncryptionKey.Setting]);

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
