namespace Keycard.Server.Cli;

/// <summary>
/// The ASP.NET Core configuration arguments <c>keycard serve</c> (and a bare <c>keycard</c>) pass through to the host:
/// <c>--Section:Key=value</c> or <c>--Section:Key value</c> for any setting, and <c>--name=value</c> for the host's own
/// settings (WebApplicationFactory starts the server with <c>--environment=…</c>, <c>--contentRoot=…</c>), and
/// <c>--Section=</c> for a section that holds such a setting.
/// Anything else is a mistake the command line reports.
/// </summary>
internal static class HostSettingArguments
{
    private static readonly HashSet<string> HostKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "environment", "contentRoot", "applicationName", "webroot", "allowedHosts", "https_port", "http_ports", "https_ports",
        "detailedErrors", "shutdownTimeoutSeconds", "suppressStatusMessages", "preventHostingStartup",
        "hostingStartupAssemblies", "hostingStartupExcludeAssemblies",
    };

    /// <summary>Separates the configuration arguments from those for the command line parser.</summary>
    public static (string[] CommandLine, string[] Settings) Split(IReadOnlyList<string> args)
    {
        var commandLine = new List<string>();
        var settings = new List<string>();

        // WebApplicationFactory also passes each section of a setting as an empty value: --Keycard= beside --Keycard:X=1.
        var sections = args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains(':', StringComparison.Ordinal))
            .Select(a => a[2..].Split(':')[0])
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length == 2)
            {
                commandLine.Add(token);
                continue;
            }

            var equals = token.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? token[2..] : token[2..equals];
            if (key.Contains(':', StringComparison.Ordinal))
            {
                settings.Add(token);

                // `--Section:Key value`: the next token is the value.
                if (equals < 0 && i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    settings.Add(args[++i]);
                }
            }
            else if (equals > 0 && (HostKeys.Contains(key) || (equals == token.Length - 1 && sections.Contains(key))))
            {
                settings.Add(token);
            }
            else
            {
                commandLine.Add(token);
            }
        }

        return ([.. commandLine], [.. settings]);
    }
}
