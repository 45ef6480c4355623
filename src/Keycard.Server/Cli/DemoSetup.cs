using Keycard.Core.Clients;
using Keycard.Core.Storage;
using Keycard.Storage.Users;

namespace Keycard.Server.Cli;

/// <summary><c>keycard serve --demo</c>: a demo user and a public demo client, created once, and a ready-to-paste walkthrough.</summary>
internal static class DemoSetup
{
    public const string UserName = "demo";
    public const string Password = "keycard-demo";
    public const string ClientId = "demo-app";

    public static async Task EnsureAsync(IServiceProvider services, string baseUrl, CancellationToken cancellationToken)
    {
        var users = services.GetRequiredService<UserAdministration>();
        if (await users.FindAsync(UserName) is null)
        {
            var (_, errors) = await users.AddAsync(UserName, "demo@example.com", "Demo", "User", Password);
            if (errors.Count > 0)
            {
                throw new InvalidOperationException("Could not create the demo user: " + string.Join(" ", errors));
            }
        }

        var demoRedirect = baseUrl + "/demo/";
        var clients = services.GetRequiredService<IClientStore>();
        var time = services.GetRequiredService<TimeProvider>();
        var existing = await clients.FindAsync(ClientId, cancellationToken);
        var redirects = new List<string> { demoRedirect, "http://127.0.0.1:8080/callback" };
        // The demo's Sign out ends the sign-in session and comes back to the demo (OpenID Connect RP-Initiated Logout 1.0 §3).
        var postLogoutRedirects = new List<string> { demoRedirect };
        var client = new Client
        {
            ClientId = ClientId,
            Name = "Keycard demo app",
            AppCode = ClientId,
            RedirectUris = redirects,
            PostLogoutRedirectUris = postLogoutRedirects,
            AllowedOrigins = [baseUrl, "http://127.0.0.1:8080"],
            CreatedAt = existing?.CreatedAt ?? time.GetUtcNow(),
            UpdatedAt = time.GetUtcNow(),
        };
        if (existing is null)
        {
            await clients.AddAsync(client, cancellationToken);
        }
        else if (!existing.RedirectUris.SequenceEqual(redirects) || !existing.PostLogoutRedirectUris.SequenceEqual(postLogoutRedirects))
        {
            await clients.UpdateAsync(client, cancellationToken);
        }
    }

    /// <summary>
    /// Walks the guide's header flow against the running server and prints each step, so a newcomer sees it work.
    /// The tokens it obtains are revoked at the end.
    /// </summary>
    public static async Task SelfCheckAsync(string baseUrl, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl + "/"), Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            using var auth = Post("external/api/oauth2/auth", ("x-auth-username", UserName), ("x-auth-password", Password), ("x-client-id", ClientId));
            using var authResponse = await http.SendAsync(auth, cancellationToken);
            var code = (await ReadJsonAsync(authResponse, cancellationToken)).GetProperty("code").GetString()!;
            Console.WriteLine($"Self-check 1/4  POST /external/api/oauth2/auth      -> {(int)authResponse.StatusCode}, a code");

            using var token = Post("external/api/oauth2/token", ("x-grant-type", "authorization_code"), ("x-redirect-uri", baseUrl + "/demo/"),
                ("x-client-id", ClientId), ("x-scope", "email"), ("x-auth-code", code));
            using var tokenResponse = await http.SendAsync(token, cancellationToken);
            var tokens = await ReadJsonAsync(tokenResponse, cancellationToken);
            var access = tokens.GetProperty("access_token").GetString()!;
            var refresh = tokens.GetProperty("refresh_token").GetString()!;
            Console.WriteLine($"Self-check 2/4  POST /external/api/oauth2/token     -> {(int)tokenResponse.StatusCode}, expires_in {tokens.GetProperty("expires_in").GetInt64()} ms");

            using var me = new HttpRequestMessage(HttpMethod.Get, "external/api/rest/v2/users/me");
            me.Headers.Add("x-access-token", access);
            using var meResponse = await http.SendAsync(me, cancellationToken);
            var user = await ReadJsonAsync(meResponse, cancellationToken);
            Console.WriteLine($"Self-check 3/4  GET  /external/api/rest/v2/users/me -> {(int)meResponse.StatusCode}, {user.GetProperty("name").GetString()} (id {user.GetProperty("id").GetInt32()})");

            using var revoke = Post("external/api/oauth2/revoke", ("x-token", refresh));
            using var revokeResponse = await http.SendAsync(revoke, cancellationToken);
            Console.WriteLine($"Self-check 4/4  POST /external/api/oauth2/revoke    -> {(int)revokeResponse.StatusCode}, tokens revoked");
            Console.WriteLine("Keycard works. Open the demo app above in a browser to try the pages.");
        }
        catch (Exception ex) when (ex is HttpRequestException or KeyNotFoundException or System.Text.Json.JsonException or InvalidOperationException or TaskCanceledException)
        {
            Console.Error.WriteLine($"Self-check failed: {ex.GetType().Name}. The server keeps running; see the log above.");
        }
    }

    private static HttpRequestMessage Post(string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return request;
    }

    private static async Task<System.Text.Json.JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await System.Text.Json.JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        return document.RootElement.Clone();
    }

    /// <summary>How to try the flow, printed once the server listens. The curl lines run as they are in bash (with jq).</summary>
    public static void PrintWalkthrough(string baseUrl)
    {
        var demoRedirect = baseUrl + "/demo/";
        var login = $"{baseUrl}/login.html?response_type=code&client_id={ClientId}&redirect_uri={Uri.EscapeDataString(demoRedirect)}&scope=email&state=xyz";
        Console.WriteLine($"""

            Demo ready: user '{UserName}', password '{Password}', public client '{ClientId}'.
              Demo app:   {demoRedirect}
              Login page: {login}
              Header flow with curl and jq (the README's walkthrough explains each step):
                S={baseUrl}
                CODE=$(curl -s -X POST $S/external/api/oauth2/auth -H 'x-auth-username: {UserName}' -H 'x-auth-password: {Password}' -H 'x-client-id: {ClientId}' | jq -r .code)
                AT=$(curl -s -X POST $S/external/api/oauth2/token -H 'x-grant-type: authorization_code' -H "x-redirect-uri: $S/demo/" -H 'x-client-id: {ClientId}' -H 'x-scope: email' -H "x-auth-code: $CODE" | jq -r .access_token)
                curl -s $S/external/api/rest/v2/users/me -H "x-access-token: $AT"; echo

            """);
    }
}
