using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Keycard.Server.Tests.Cli;

namespace Keycard.Server.Tests.Gateway;

/// <summary><c>keycard serve --upstream URL</c> as a real process in front of a real upstream.</summary>
public sealed class GatewayServeProcessTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "keycard-tests", Guid.NewGuid().ToString("N"));

    private string Db => Path.Combine(_folder, "gateway.db");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task ServeUpstream_ClientCredentialsToken_IsProxiedWithoutTokenWhileUsersMeStaysKeycards()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        var (added, output, _) = await KeycardProcess.RunAsync(null, "client", "add", "worker", "--redirect-uri", "https://w.example.com/cb",
            "--confidential", "--allow-client-credentials", "--json", "--database", Db);
        Assert.Equal(0, added);
        var secret = JsonDocument.Parse(output).RootElement.GetProperty("client_secret").GetString()!;

        var port = FreePort();
        var baseUrl = "http://127.0.0.1:" + port;
        using var server = Start("serve", "--urls", baseUrl, "--database", Db, "--upstream", upstream.BaseUrl + "/api");
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
            await WaitUntilListeningAsync(server);
            using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
            };
            tokenRequest.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("worker:" + Uri.EscapeDataString(secret))));
            using var tokenResponse = await http.SendAsync(tokenRequest);
            Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
            var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;

            using var proxied = new HttpRequestMessage(HttpMethod.Get, "/external/api/rest/v2/reports/1?access_token=" + Uri.EscapeDataString(token));
            using var proxiedResponse = await http.SendAsync(proxied);
            using var me = new HttpRequestMessage(HttpMethod.Get, "/external/api/rest/v2/users/me");
            me.Headers.Add("x-access-token", token);
            using var meResponse = await http.SendAsync(me);

            Assert.Equal(HttpStatusCode.OK, proxiedResponse.StatusCode);
            var received = Assert.Single(upstream.Received);
            Assert.Equal("/api/reports/1", received.Path);
            Assert.Equal("", received.Query);

            // users/me is Keycard's own (a client token has no user there: 403 access_denied), never the upstream's.
            Assert.Equal(HttpStatusCode.Forbidden, meResponse.StatusCode);
            Assert.Single(upstream.Received);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task ServeUpstream_NotAnHttpUrl_FailsWithOneLine()
    {
        var (code, _, err) = await KeycardProcess.RunAsync(null, "serve", "--urls", "http://127.0.0.1:0", "--database", Db, "--upstream", "ftp://files.example.com");

        Assert.Equal(2, code);
        Assert.Contains("--upstream 'ftp://files.example.com' is not an absolute http or https URL", err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Upstream", "ftp://files.example.com", "Keycard:Gateway:Routes:orders:Upstream must be an absolute http or https URL")]
    [InlineData("PathPrefix", "orders", "Keycard:Gateway:Routes:orders:PathPrefix must be a plain absolute path")]
    [InlineData("Timeout", "-00:00:01", "Keycard:Gateway:Routes:orders:Timeout must be positive")]
    [InlineData("Timeout", "soon", "Keycard:Gateway:Routes:orders:Timeout")]
    [InlineData("IdentityTokenLifetime", "02:00:00", "Keycard:Gateway:Routes:orders:IdentityTokenLifetime must be between")]
    public async Task ServeRoute_BadSetting_FailsWithOneLineNamingIt(string setting, string value, string expected)
    {
        var route = "--Keycard:Gateway:Routes:orders:";
        var good = new Dictionary<string, string> { ["PathPrefix"] = "/external/api/rest/v2/orders", ["Upstream"] = "http://127.0.0.1:9/v1" };
        good[setting] = value;
        string[] args = ["serve", "--urls", "http://127.0.0.1:" + FreePort(), "--database", Db, .. good.Select(kv => route + kv.Key + "=" + kv.Value)];

        var (code, output, err) = await KeycardProcess.RunAsync(null, args);

        Assert.Equal(1, code);
        Assert.Contains(expected, err, StringComparison.Ordinal);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.DoesNotContain("Keycard listening", output, StringComparison.Ordinal);
    }

    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "keycard.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("KEYCARD_DATABASE");
        return Process.Start(start)!;
    }

    private static async Task WaitUntilListeningAsync(Process server)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (await server.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("Keycard listening", StringComparison.Ordinal))
            {
                return;
            }
        }

        Assert.Fail("keycard serve exited: " + await server.StandardError.ReadToEndAsync());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
