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
        var client = new Client
        {
            ClientId = ClientId,
            Name = "Keycard demo app",
            AppCode = ClientId,
            RedirectUris = redirects,
            AllowedOrigins = [baseUrl, "http://127.0.0.1:8080"],
            CreatedAt = existing?.CreatedAt ?? time.GetUtcNow(),
            UpdatedAt = time.GetUtcNow(),
        };
        if (existing is null)
        {
            await clients.AddAsync(client, cancellationToken);
        }
        else if (!existing.RedirectUris.SequenceEqual(redirects))
        {
            await clients.UpdateAsync(client, cancellationToken);
        }

        Print(baseUrl, demoRedirect);
    }

    private static void Print(string baseUrl, string demoRedirect)
    {
        var login = $"{baseUrl}/login.html?response_type=code&client_id={ClientId}&redirect_uri={Uri.EscapeDataString(demoRedirect)}&scope=email&state=xyz";
        Console.WriteLine($"""

            Demo ready: user '{UserName}', password '{Password}', public client '{ClientId}'.

            1. Sign in in a browser (you land on {demoRedirect}#code=...&appCode=...&state=xyz):
               {login}

            2. Or get a code without a browser (the guide's alternate request):
               curl -s -X POST {baseUrl}/external/api/oauth2/auth -H 'x-auth-username: {UserName}' -H 'x-auth-password: {Password}' -H 'x-client-id: {ClientId}'

            3. Exchange the code (expires_in is in milliseconds, as the guide says):
               curl -s -X POST {baseUrl}/external/api/oauth2/token -H 'x-grant-type: authorization_code' -H 'x-redirect-uri: {demoRedirect}' -H 'x-client-id: {ClientId}' -H 'x-scope: email' -H "x-auth-code: $CODE"

            4. Call the API:
               curl -s "{baseUrl}/external/api/rest/v2/users/me" -H "x-access-token: $ACCESS_TOKEN"

            5. Refresh, then revoke:
               curl -s -X POST {baseUrl}/external/api/oauth2/token -H 'x-grant-type: refresh_token' -H 'x-redirect-uri: {demoRedirect}' -H 'x-client-id: {ClientId}' -H 'x-scope: email' -H "x-refresh-token: $REFRESH_TOKEN"
               curl -s -X POST {baseUrl}/external/api/oauth2/revoke -H "x-token: $REFRESH_TOKEN"

            """);
    }
}
