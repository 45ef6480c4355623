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
        var upstream = new Option<string>("--upstream") { Description = "Proxy /external/api/rest/v2/ to this API after checking the caller's access token (gateway mode, docs/gateway.md)." };
        command.Options.Add(upstream);

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
                Upstream = parse.GetValue(upstream),
            };
            return await RunAsync(options, [.. parse.UnmatchedTokens], cancellationToken);
        });
    }

    private static async Task<int> RunAsync(ServeOptions options, string[] hostArgs, CancellationToken cancellationToken)
    {
        if (FindInsecureUrl(options) is { } insecure)
        {
            await Console.Error.WriteLineAsync(
                $"keycard: refusing to serve OAuth over plain http on {insecure}: tokens and passwords would cross the network in clear " +
                "(RFC 6749 §10.9, RFC 9700 §4.1). Use https, listen on 127.0.0.1, or pass --behind-proxy when a TLS-terminating proxy is in front.");
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

        if (options.Upstream is { } upstream &&
            (!Uri.TryCreate(upstream, UriKind.Absolute, out var upstreamUri) || (upstreamUri.Scheme != Uri.UriSchemeHttp && upstreamUri.Scheme != Uri.UriSchemeHttps)))
        {
            await Console.Error.WriteLineAsync($"keycard: --upstream '{upstream}' is not an absolute http or https URL.");
            return 2;
        }

        var app = KeycardServer.Build(options, hostArgs);
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
        }
        catch (Exception ex) when (ex is OptionsValidationException or System.Data.Common.DbException or IOException)
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
    internal static string? FindInsecureUrl(ServeOptions options)
    {
        if (options.BehindProxy)
        {
            return null;
        }

        foreach (var url in options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var host = url["http://".Length..].Split('/')[0];
            host = host.StartsWith('[') ? host[..(host.IndexOf(']', StringComparison.Ordinal) + 1)] : host.Split(':')[0];
            var loopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ||
                (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
            if (!loopback)
            {
                return url;
            }
        }

        return null;
    }
}
