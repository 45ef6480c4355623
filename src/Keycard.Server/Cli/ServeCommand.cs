using System.CommandLine;
using System.Net;
using Keycard.Storage;
using Microsoft.Extensions.Options;

namespace Keycard.Server.Cli;

/// <summary><c>keycard serve</c>: migrate the database, optionally seed the demo, and run the server.</summary>
internal static class ServeCommand
{
    public static void AddTo(RootCommand root, IReadOnlyList<string> settings)
    {
        var serve = new Command("serve", "Run the Keycard server. Any setting of docs/configuration.md can follow as --Section:Key=value.");
        Configure(serve, settings, hidden: false);
        root.Subcommands.Add(serve);

        // A bare `keycard` serves with the defaults; its help lists the commands, and `serve --help` these options.
        Configure(root, settings, hidden: true);
    }

    private static void Configure(Command command, IReadOnlyList<string> settings, bool hidden)
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Addresses to listen on, ';'-separated. Env: KEYCARD_URLS.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("KEYCARD_URLS") ?? ServeOptions.DefaultUrls,
            Hidden = hidden,
        };
        urls.Validators.Add(result =>
        {
            if (ListenAddresses.FindMalformed(result.GetValueOrDefault<string>()) is { } problem)
            {
                result.AddError(problem);
            }
        });
        var demo = new Option<bool>("--demo") { Description = "Create a demo user and client (idempotent) and print how to try the flow.", Hidden = hidden };
        var behindProxy = new Option<bool>("--behind-proxy") { Description = "Keycard sits behind a TLS-terminating proxy: allow plain http on a public address and honour X-Forwarded-* from --known-proxy addresses.", Hidden = hidden };
        var knownProxy = new Option<string[]>("--known-proxy") { Description = "Address of a trusted reverse proxy (repeatable). Loopback is always trusted.", AllowMultipleArgumentsPerToken = false, Hidden = hidden };
        knownProxy.Validators.Add(result =>
        {
            foreach (var proxy in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!IPAddress.TryParse(proxy, out _))
                {
                    result.AddError($"--known-proxy '{proxy}' is not an IP address.");
                }
            }
        });
        command.Options.Add(urls);
        command.Options.Add(demo);
        command.Options.Add(behindProxy);
        command.Options.Add(knownProxy);
        var upstream = new Option<string>("--upstream") { Description = "Proxy /external/api/rest/v2/ to this API after checking the caller's access token (gateway mode, docs/gateway.md)." };
        command.Options.Add(upstream);

        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new ServeOptions
            {
                Urls = parse.GetValue(urls)!,
                Database = parse.GetValue(KeycardCli.Database),
                Demo = parse.GetValue(demo),
                BehindProxy = parse.GetValue(behindProxy),
                KnownProxies = parse.GetValue(knownProxy) ?? [],
                Upstream = parse.GetValue(upstream),
            };

            // Configuration arguments (--Keycard:AccessTokenLifetime=00:10:00, --environment=…) go to ASP.NET Core as
            // they are. WebApplicationFactory starts the server this way too.
            return await RunAsync(options, [.. settings], cancellationToken);
        });
    }

    private static async Task<int> RunAsync(ServeOptions options, string[] hostArgs, CancellationToken cancellationToken)
    {
        if (FindInsecureUrl(options) is { } insecure)
        {
            await Console.Error.WriteLineAsync("keycard: " + ListenAddresses.FindProblem([insecure], options.BehindProxy, issuer: null));
            return 2;
        }

        if (options.Upstream is { } upstream &&
            (!Uri.TryCreate(upstream, UriKind.Absolute, out var upstreamUri) || (upstreamUri.Scheme != Uri.UriSchemeHttp && upstreamUri.Scheme != Uri.UriSchemeHttps)))
        {
            await Console.Error.WriteLineAsync($"keycard: --upstream '{upstream}' is not an absolute http or https URL.");
            return 2;
        }

        WebApplication app;
        try
        {
            // Every setting is checked before the database is touched (Configuration/KeycardSettings).
            app = KeycardServer.Build(options, hostArgs);
            app.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception ex) when (ex is OptionsValidationException or Storage.DataProtection.KeyEncryptionKeyException || IsUnreadableSetting(ex))
        {
            await Console.Error.WriteLineAsync($"keycard: cannot start: {ex.Message}");
            return 1;
        }

        var issuer = app.Services.GetRequiredService<IOptions<Endpoints.OAuth.StandardOAuthOptions>>();
        if (ListenAddresses.FindProblem(ListenAddresses.Configured(options.Urls, app.Configuration), options.BehindProxy, issuer.Value.Issuer) is { } configured)
        {
            await Console.Error.WriteLineAsync("keycard: " + configured);
            return 2;
        }

        try
        {
            await using (var scope = app.Services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<KeycardDatabase>().MigrateAsync(cancellationToken);
                await SharedKeyRing.EnsureKeyAsync(scope.ServiceProvider, cancellationToken);
                if (options.Demo)
                {
                    await DemoSetup.EnsureAsync(scope.ServiceProvider, FirstUrl(options.Urls), cancellationToken);
                }
            }

            // Bind before printing anything: on a port in use the operator sees one line, not a banner and then a failure.
            await app.StartAsync(cancellationToken);

            // Whatever configured them, the addresses actually bound must pass the same rules; if not, stop at once.
            if (ListenAddresses.FindProblem(app.Urls, options.BehindProxy, issuer.Value.Issuer) is { } bound)
            {
                await app.StopAsync(CancellationToken.None);
                await Console.Error.WriteLineAsync("keycard: " + bound);
                return 2;
            }
        }
        catch (Exception ex) when (ex is OptionsValidationException or System.Data.Common.DbException or IOException or Storage.DataProtection.KeyEncryptionKeyException)
        {
            // An operator's mistake (bad setting, unreachable database, port in use) gets one clear line, not a stack trace.
            await Console.Error.WriteLineAsync($"keycard: cannot start: {ex.Message}");
            return 1;
        }

        var location = app.Services.GetRequiredService<DatabaseLocation>();
        Console.WriteLine($"Keycard listening on {options.Urls} ({location.Describe()})");
        if (options.Demo)
        {
            DemoSetup.PrintWalkthrough(FirstUrl(options.Urls));
            await DemoSetup.SelfCheckAsync(FirstUrl(options.Urls), cancellationToken);
        }

        await app.WaitForShutdownAsync(CancellationToken.None);

        // Disposing the services drains the token writer's queue and closes its connection (TokenWriteBatcher.Dispose).
        await app.DisposeAsync();
        return 0;
    }

    /// <summary>The configuration binder's "Failed to convert configuration value '…' at 'Keycard:…' to type '…'".</summary>
    private static bool IsUnreadableSetting(Exception ex) =>
        ex is InvalidOperationException && ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal);

    /// <summary>Whether a command runs the server (or shows its configuration), and so takes configuration arguments.</summary>
    public static bool TakesSettings(Command command) =>
        command is RootCommand || command.Name == "serve" ||
        (command.Name == "show" && command.Parents.OfType<Command>().Any(p => p.Name == "config"));

    public static string FirstUrl(string urls) => ListenAddresses.Split(urls).First().TrimEnd('/');

    /// <summary>The first plain-http URL that is not on loopback, unless a TLS-terminating proxy was declared.</summary>
    internal static string? FindInsecureUrl(ServeOptions options) =>
        ListenAddresses.FindInsecure(ListenAddresses.Split(options.Urls), options.BehindProxy);
}
