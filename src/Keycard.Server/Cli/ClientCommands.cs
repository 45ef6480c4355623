using System.CommandLine;
using System.Text.Json;
using Keycard.Core.Clients;
using Keycard.Core.Diagnostics;
using Keycard.Core.Security;
using Keycard.Core.Signing;
using Keycard.Core.Storage;

namespace Keycard.Server.Cli;

/// <summary><c>keycard client add|list|show|remove|rotate-secret</c>.</summary>
internal static class ClientCommands
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

    private static Command Add()
    {
        var id = new Argument<string>("client-id") { Description = "The client id (letters, digits, . _ ~ : -)." };
        var name = new Option<string?>("--name") { Description = "Display name shown on the login page (default: the client id)." };
        var redirect = new Option<string[]>("--redirect-uri") { Description = "Registered redirect URI, matched exactly; an http loopback one also on any port at /oauth2/authorize (RFC 8252) (repeatable)." };
        var confidential = new Option<bool>("--confidential") { Description = "A web server application with a client secret." };
        var origin = new Option<string[]>("--origin") { Description = "Browser origin allowed to call the API with CORS (repeatable)." };
        var scope = new Option<string[]>("--scope") { Description = "Scope the client may request (repeatable; default: any string)." };
        var appCode = new Option<string?>("--app-code") { Description = "The appCode returned with codes (default: the client id)." };
        var json = new Option<bool>("--json") { Description = "Print {client_id, client_secret, app_code} as JSON." };
        var secretStdin = new Option<bool>("--secret-stdin") { Description = "Import an existing secret from standard input instead of generating one." };
        var requirePkce = new Option<bool>("--require-pkce") { Description = "Require PKCE even though the client is confidential." };
        var clientCredentials = new Option<bool>("--allow-client-credentials") { Description = "Allow the client_credentials grant (confidential clients)." };
        var noPasswordEndpoint = new Option<bool>("--no-password-endpoint") { Description = "Refuse the username/password code endpoint for this client (RFC 9700 §2.4)." };
        var accessTokenFormat = new Option<string>("--access-token-format") { Description = "opaque (default: revoked at once) or jwt (RFC 9068: validated offline until it expires).", DefaultValueFactory = _ => AccessTokenFormats.Opaque };
        accessTokenFormat.AcceptOnlyFromAmong([.. AccessTokenFormats.All]);
        var resource = new Option<string[]>("--resource") { Description = "Resource indicator (RFC 8707) the client may ask tokens for, the JWT audience; absolute URI (repeatable)." };
        var signingAlgorithm = new Option<string>("--signing-algorithm") { Description = "RS256 (default) or ES256, for the client's JWTs.", DefaultValueFactory = _ => SigningAlgorithms.RS256 };
        signingAlgorithm.AcceptOnlyFromAmong([.. SigningAlgorithms.All]);

        var thirdParty = new Option<bool>("--third-party") { Description = "Users must consent to what it asks for; implies --no-password-endpoint." };
        var postLogout = new Option<string[]>("--post-logout-redirect-uri") { Description = "Where RP-initiated logout may return the browser, matched exactly (repeatable)." };

        var command = new Command("add", "Register a client.") { id, name, redirect, confidential, origin, scope, appCode, json, secretStdin, requirePkce, clientCredentials, noPasswordEndpoint, accessTokenFormat, resource, signingAlgorithm, postLogout, thirdParty };
        command.SetAction(async (parse, ct) =>
        {
            var request = new ClientRegistrationRequest
            {
                ClientId = parse.GetValue(id)!,
                Name = parse.GetValue(name),
                AppCode = parse.GetValue(appCode),
                IsConfidential = parse.GetValue(confidential),
                RedirectUris = parse.GetValue(redirect) ?? [],
                AllowedOrigins = parse.GetValue(origin) ?? [],
                AllowedScopes = parse.GetValue(scope) ?? [],
                RequirePkce = parse.GetValue(requirePkce),
                AllowPasswordCodeEndpoint = !parse.GetValue(noPasswordEndpoint) && !parse.GetValue(thirdParty),
                AllowClientCredentials = parse.GetValue(clientCredentials),
                IsThirdParty = parse.GetValue(thirdParty),
                ImportsSecret = parse.GetValue(secretStdin),
                AccessTokenFormat = parse.GetValue(accessTokenFormat)!,
                Resources = parse.GetValue(resource) ?? [],
                SigningAlgorithm = parse.GetValue(signingAlgorithm),
                PostLogoutRedirectUris = parse.GetValue(postLogout) ?? [],
            };

            // The rules live in the core (ClientRegistration); the ones that need no secret are checked before stdin is read.
            if (ClientRegistration.Validate(request) is { } early)
            {
                return Fail(Describe(early));
            }

            if (request.ImportsSecret)
            {
                request = request with { ImportedSecret = KeycardCli.ReadSecretLine() };
            }

            await using var admin = await AdminContext.OpenAsync(parse.GetValue(KeycardCli.Database), ct);
            var (registered, problem) = await admin.Services.GetRequiredService<ClientRegistration>().RegisterAsync(request, ct);
            if (registered is null)
            {
                return Fail(Describe(problem!));
            }

            PrintCreated(registered.Client, registered.GeneratedSecret, parse.GetValue(json));
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List the registered clients.");
        command.SetAction(async (parse, ct) =>
        {
            await using var admin = await AdminContext.OpenExistingAsync(parse.GetValue(KeycardCli.Database), ct);
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
            await using var admin = await AdminContext.OpenExistingAsync(parse.GetValue(KeycardCli.Database), ct);
            var c = await admin.Services.GetRequiredService<IClientStore>().FindAsync(parse.GetValue(id)!, ct);
            if (c is null)
            {
                return Fail($"no client named '{parse.GetValue(id)}'");
            }

            PrintFields(
                ("client_id", c.ClientId),
                ("name", c.Name),
                ("app_code", c.AppCode),
                ("type", c.IsConfidential ? "confidential" : "public"),
                ("redirect_uris", string.Join(' ', c.RedirectUris)),
                ("origins", c.AllowedOrigins.Count == 0 ? "(none)" : string.Join(' ', c.AllowedOrigins)),
                ("scopes", c.AllowedScopes.Count == 0 ? "(any)" : string.Join(' ', c.AllowedScopes)),
                ("require_pkce", c.RequirePkce ? "yes" : "no"),
                ("password_endpoint", c.AllowPasswordCodeEndpoint ? "allowed" : "refused"),
                ("client_credentials", c.AllowClientCredentials ? "allowed" : "refused"),
                ("access_token_format", c.AccessTokenFormat),
                ("resources", c.Resources.Count == 0 ? "(none: JWT audience is the issuer)" : string.Join(' ', c.Resources)),
                ("signing_algorithm", c.SigningAlgorithm ?? SigningAlgorithms.RS256),
                ("third_party", c.IsThirdParty ? "yes (users consent)" : "no"),
                ("post_logout_redirect_uris", c.PostLogoutRedirectUris.Count == 0 ? "(none)" : string.Join(' ', c.PostLogoutRedirectUris)),
                ("created", c.CreatedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture)));
            return 0;
        });
        return command;
    }

    private static Command Remove()
    {
        var id = new Argument<string>("client-id");
        var command = new Command("remove", "Remove a client, every code and token issued to it, and its users' consents.") { id };
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

    /// <summary>A registration problem in the words of this command's options.</summary>
    private static string Describe(ClientRegistrationProblem problem)
    {
        var subject = problem.Field switch
        {
            ClientRegistrationField.ClientId => "the client id",
            ClientRegistrationField.RedirectUri => "--redirect-uri",
            ClientRegistrationField.Origin => "--origin",
            ClientRegistrationField.ClientCredentials => "--allow-client-credentials",
            ClientRegistrationField.AccessTokenFormat => "--access-token-format",
            ClientRegistrationField.Resource => "--resource",
            ClientRegistrationField.SigningAlgorithm => "--signing-algorithm",
            ClientRegistrationField.ThirdParty => "--third-party",
            ClientRegistrationField.PostLogoutRedirectUri => "--post-logout-redirect-uri",
            ClientRegistrationField.Name => "--name",
            ClientRegistrationField.AppCode => "--app-code",
            _ => "the secret from --secret-stdin",
        };
        return problem.Value is null ? $"{subject} {problem.Problem}" : $"{subject} '{problem.Value}' {problem.Problem}";
    }

    /// <summary>Label and value pairs, the values in one column.</summary>
    private static void PrintFields(params (string Label, string Value)[] fields)
    {
        var width = fields.Max(f => f.Label.Length) + 2;
        foreach (var (label, value) in fields)
        {
            Console.WriteLine((label + ":").PadRight(width) + value);
        }
    }

    internal static int Fail(string message)
    {
        Console.Error.WriteLine("keycard: " + message);
        return 1;
    }
}
