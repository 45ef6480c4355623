using System.CommandLine;
using System.Text.Json;
using System.Text.RegularExpressions;
using Keycard.Core.Clients;
using Keycard.Core.Diagnostics;
using Keycard.Core.Security;
using Keycard.Core.Storage;

namespace Keycard.Server.Cli;

/// <summary><c>keycard client add|list|show|remove|rotate-secret</c>.</summary>
internal static partial class ClientCommands
{
    public static void AddTo(RootCommand root)
    {
        var client = new Command("client", "Register and manage client applications.");
        client.Subcommands.Add(Add());
        client.Subcommands.Add(List());
        client.Subcommands.Add(Show());
        client.Subcommands.Add(Remove());
        client.Subcommands.Add(RotateSecret());
        root.Subcommands.Add(client);
    }

    [GeneratedRegex("^[A-Za-z0-9._~:-]{1,200}$")]
    private static partial Regex ClientIdPattern();

    private static Command Add()
    {
        var id = new Argument<string>("client-id") { Description = "The client id (letters, digits, . _ ~ : -)." };
        var name = new Option<string?>("--name") { Description = "Display name shown on the login page (default: the client id)." };
        var redirect = new Option<string[]>("--redirect-uri") { Description = "Registered redirect URI, matched exactly (repeatable)." };
        var confidential = new Option<bool>("--confidential") { Description = "A web server application with a client secret." };
        var origin = new Option<string[]>("--origin") { Description = "Browser origin allowed to call the API with CORS (repeatable)." };
        var scope = new Option<string[]>("--scope") { Description = "Scope the client may request (repeatable; default: any string)." };
        var appCode = new Option<string?>("--app-code") { Description = "The appCode returned with codes (default: the client id)." };
        var json = new Option<bool>("--json") { Description = "Print {client_id, client_secret, app_code} as JSON." };
        var secretStdin = new Option<bool>("--secret-stdin") { Description = "Import an existing secret from standard input instead of generating one." };
        var requirePkce = new Option<bool>("--require-pkce") { Description = "Require PKCE even though the client is confidential." };
        var clientCredentials = new Option<bool>("--allow-client-credentials") { Description = "Allow the client_credentials grant (confidential clients)." };
        var noPasswordEndpoint = new Option<bool>("--no-password-endpoint") { Description = "Refuse the username/password code endpoint for this client (RFC 9700 §2.4)." };

        var command = new Command("add", "Register a client.") { id, name, redirect, confidential, origin, scope, appCode, json, secretStdin, requirePkce, clientCredentials, noPasswordEndpoint };
        command.SetAction(async (parse, ct) =>
        {
            var clientId = parse.GetValue(id)!;
            if (!ClientIdPattern().IsMatch(clientId))
            {
                return Fail("the client id must be 1-200 characters of letters, digits and . _ ~ : -");
            }

            var redirects = parse.GetValue(redirect) ?? [];
            var isConfidential = parse.GetValue(confidential);
            var allowsClientCredentials = parse.GetValue(clientCredentials);
            if (redirects.Length == 0 && !allowsClientCredentials)
            {
                return Fail("give at least one --redirect-uri");
            }

            foreach (var uri in redirects)
            {
                if (RedirectUriRules.ValidateForRegistration(uri) is { } problem)
                {
                    return Fail($"--redirect-uri '{uri}' {problem}");
                }
            }

            var origins = parse.GetValue(origin) ?? [];
            foreach (var o in origins)
            {
                if (RedirectUriRules.ValidateOrigin(o) is { } problem)
                {
                    return Fail($"--origin '{o}' {problem}");
                }
            }

            if (allowsClientCredentials && !isConfidential)
            {
                return Fail("--allow-client-credentials needs --confidential (RFC 6749 §4.4)");
            }

            string? secret = null;
            if (parse.GetValue(secretStdin))
            {
                if (!isConfidential)
                {
                    return Fail("--secret-stdin needs --confidential");
                }

                secret = KeycardCli.ReadSecretLine();
                if (string.IsNullOrEmpty(secret))
                {
                    return Fail("no secret on standard input");
                }

                if (ClientSecretPolicy.FindWeakness(secret) is { } weakness)
                {
                    return Fail($"the imported secret {weakness}");
                }
            }
            else if (isConfidential)
            {
                secret = SecureToken.Generate();
            }

            await using var admin = await AdminContext.OpenAsync(parse.GetValue(KeycardCli.Database), ct);
            var now = admin.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            var model = new Client
            {
                ClientId = clientId,
                Name = parse.GetValue(name) ?? clientId,
                AppCode = parse.GetValue(appCode) ?? clientId,
                IsConfidential = isConfidential,
                SecretHash = secret is null ? null : SecureToken.Hash(secret),
                RedirectUris = redirects,
                AllowedOrigins = origins,
                AllowedScopes = parse.GetValue(scope) ?? [],
                RequirePkce = parse.GetValue(requirePkce),
                AllowPasswordCodeEndpoint = !parse.GetValue(noPasswordEndpoint),
                AllowClientCredentials = allowsClientCredentials,
                CreatedAt = now,
                UpdatedAt = now,
            };
            if (!await admin.Services.GetRequiredService<IClientStore>().AddAsync(model, ct))
            {
                return Fail($"a client named '{clientId}' already exists");
            }

            PrintCreated(model, parse.GetValue(secretStdin) ? null : secret, parse.GetValue(json));
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List the registered clients.");
        command.SetAction(async (parse, ct) =>
        {
            await using var admin = await AdminContext.OpenAsync(parse.GetValue(KeycardCli.Database), ct);
            var clients = await admin.Services.GetRequiredService<IClientStore>().ListAsync(ct);
            foreach (var c in clients)
            {
                Console.WriteLine($"{c.ClientId}\t{(c.IsConfidential ? "confidential" : "public")}\t{c.Name}\t{string.Join(' ', c.RedirectUris)}");
            }

            return 0;
        });
        return command;
    }

    private static Command Show()
    {
        var id = new Argument<string>("client-id");
        var command = new Command("show", "Show one client (never its secret).") { id };
        command.SetAction(async (parse, ct) =>
        {
            await using var admin = await AdminContext.OpenAsync(parse.GetValue(KeycardCli.Database), ct);
            var c = await admin.Services.GetRequiredService<IClientStore>().FindAsync(parse.GetValue(id)!, ct);
            if (c is null)
            {
                return Fail($"no client named '{parse.GetValue(id)}'");
            }

            Console.WriteLine($"client_id:        {c.ClientId}");
            Console.WriteLine($"name:             {c.Name}");
            Console.WriteLine($"app_code:         {c.AppCode}");
            Console.WriteLine($"type:             {(c.IsConfidential ? "confidential" : "public")}");
            Console.WriteLine($"redirect_uris:    {string.Join(' ', c.RedirectUris)}");
            Console.WriteLine($"origins:          {string.Join(' ', c.AllowedOrigins)}");
            Console.WriteLine($"scopes:           {(c.AllowedScopes.Count == 0 ? "(any)" : string.Join(' ', c.AllowedScopes))}");
            Console.WriteLine($"require_pkce:     {c.RequirePkce}");
            Console.WriteLine($"password_endpoint:{(c.AllowPasswordCodeEndpoint ? " allowed" : " refused")}");
            Console.WriteLine($"client_credentials: {c.AllowClientCredentials}");
            Console.WriteLine($"created:          {c.CreatedAt:u}");
            return 0;
        });
        return command;
    }

    private static Command Remove()
    {
        var id = new Argument<string>("client-id");
        var command = new Command("remove", "Remove a client and every code and token issued to it.") { id };
        command.SetAction(async (parse, ct) =>
        {
            await using var admin = await AdminContext.OpenAsync(parse.GetValue(KeycardCli.Database), ct);
            if (!await admin.Services.GetRequiredService<IClientStore>().RemoveAsync(parse.GetValue(id)!, ct))
            {
                return Fail($"no client named '{parse.GetValue(id)}'");
            }

            Console.WriteLine($"Removed client '{parse.GetValue(id)}'.");
            return 0;
        });
        return command;
    }

    private static Command RotateSecret()
    {
        var id = new Argument<string>("client-id");
        var json = new Option<bool>("--json") { Description = "Print {client_id, client_secret, app_code} as JSON." };
        var command = new Command("rotate-secret", "Give a confidential client a new secret; the old one stops working at once.") { id, json };
        command.SetAction(async (parse, ct) =>
        {
            await using var admin = await AdminContext.OpenAsync(parse.GetValue(KeycardCli.Database), ct);
            var store = admin.Services.GetRequiredService<IClientStore>();
            var c = await store.FindAsync(parse.GetValue(id)!, ct);
            if (c is null)
            {
                return Fail($"no client named '{parse.GetValue(id)}'");
            }

            if (!c.IsConfidential)
            {
                return Fail($"'{c.ClientId}' is a public client and has no secret");
            }

            var secret = SecureToken.Generate();
            var updated = c with { SecretHash = SecureToken.Hash(secret), UpdatedAt = admin.Services.GetRequiredService<TimeProvider>().GetUtcNow() };
            await store.UpdateAsync(updated, ct);
            var log = admin.Services.GetRequiredService<KeycardTelemetry>().Log;
            KeycardLog.ClientSecretRotated(log, c.ClientId);
            PrintCreated(updated, secret, parse.GetValue(json));
            return 0;
        });
        return command;
    }

    private static void PrintCreated(Client client, string? secret, bool json)
    {
        if (json)
        {
            var payload = new Dictionary<string, string?> { ["client_id"] = client.ClientId, ["client_secret"] = secret, ["app_code"] = client.AppCode };
            Console.WriteLine(JsonSerializer.Serialize(payload));
            return;
        }

        Console.WriteLine($"client_id:     {client.ClientId}");
        Console.WriteLine($"app_code:      {client.AppCode}");
        if (secret is not null)
        {
            Console.WriteLine($"client_secret: {secret}");
            Console.WriteLine("The secret is shown once and stored only as a hash: keep it now.");
        }
    }

    internal static int Fail(string message)
    {
        Console.Error.WriteLine("keycard: " + message);
        return 1;
    }
}
