using System.CommandLine;
using System.Net;
using Keycard.Storage;
using Microsoft.Extensions.Options;

namespace Keycard.Server.Cli;

/// <summary><c>keycard serve</c>: migrate the database, optionally seed the demo, and run the server.</summary>
internal static class ServeCommand
{
    public static void AddTo(RootCommand root)
    {
        var serve = new Command("serve", "Run the Keycard server.");
        Configure(serve);
        root.Subcommands.Add(serve);

        // A bare `keycard` serves with the defaults.
        Configure(root);
    }

    private static void Configure(Command command)
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Addresses to listen on, ';'-separated. Default " + ServeOptions.DefaultUrls + ".",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("KEYCARD_URLS") ?? ServeOptions.DefaultUrls,
        };
        var demo = new Option<bool>("--demo") { Description = "Create a demo user and client (idempotent) and print how to try the flow." };
        var behindProxy = new Option<bool>("--behind-proxy") { Description = "Keycard sits behind a TLS-terminating proxy: allow plain http on a public address and honour X-Forwarded-* from --known-proxy addresses." };
        var knownProxy = new Option<string[]>("--known-proxy") { Description = "Address of a trusted reverse proxy (repeatable). Loopback is always trusted.", AllowMultipleArgumentsPerToken = false };
        command.Options.Add(urls);
        command.Options.Add(demo);
        command.Options.Add(behindProxy);
        command.Options.Add(knownProxy);

        // Anything else (--Keycard:AccessTokenLifetime=00:10:00, --environment=…) is host configuration,
        // passed to ASP.NET Core as is. WebApplicationFactory starts the server this way too.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new ServeOptions
            {
                Urls = parse.GetValue(urls)!,
                Database = parse.GetValue(KeycardCli.Database),
                Demo = parse.GetValue(demo),
                BehindProxy = parse.GetValue(behindProxy),
                KnownProxies = parse.GetValue(knownProxy) ?? [],
            };
            return await RunAsync(options, [.. parse.UnmatchedTokens], cancellationToken);
        });
    }

    private static async Task<int> RunAsync(ServeOptions options, string[] hostArgs, CancellationToken cancellationToken)
    {
        if (FindInsecureUrl(options) is { } insecure)
        {
            await Console.Error.WriteLineAsync("keycard: " + ListenAddresses.FindProblem([insecure], options.BehindProxy, issuer: null));
            return 2;
        }

        foreach (var proxy in options.KnownProxies)
        {
            if (!IPAddress.TryParse(proxy, out _))
            {
                await Console.Error.WriteLineAsync($"keycard: --known-proxy '{proxy}' is not an IP address.");
                return 2;
            }
        }

        var app = KeycardServer.Build(options, hostArgs);
        var issuer = app.Services.GetRequiredService<IOptions<Endpoints.OAuth.StandardOAuthOptions>>();
        if (ListenAddresses.FindProblem(ListenAddresses.Configured(options.Urls, app.Configuration), options.BehindProxy, app.Configuration["Keycard:Issuer"]) is { } configured)
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
            await DemoSetup.SelfCheckAsync(FirstUrl(options.Urls), cancellationToken);
        }

        await app.WaitForShutdownAsync(CancellationToken.None);
        return 0;
    }

    public static string FirstUrl(string urls) => urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0].TrimEnd('/');

    /// <summary>The first plain-http URL that is not on loopback, unless a TLS-terminating proxy was declared.</summary>
    internal static string? FindInsecureUrl(ServeOptions options) =>
        ListenAddresses.FindInsecure(ListenAddresses.Split(options.Urls), options.BehindProxy);
}
