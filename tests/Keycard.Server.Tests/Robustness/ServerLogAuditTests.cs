using System.Net;
using Keycard.Server.Tests.Cli;

namespace Keycard.Server.Tests.Robustness;

/// <summary>
/// The console of a real <c>keycard serve</c> under hostile input (session 9 audit): a client's garbage is answered
/// with a 4xx and never turns into an error entry with a stack trace, which anyone could repeat to flood the log and
/// trip an operator's alerts (OWASP Logging Cheat Sheet: log what the operator acts on).
/// </summary>
public sealed class ServerLogAuditTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keycard-log-audit-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Serve_GarbageAntiforgeryCookie_AnsweredWithoutAnErrorInTheLog()
    {
        await using var server = await KeycardServerProcess.StartAsync(_folder, "Keycard works.", "--demo");
        var login = $"{server.Url}/login.html?response_type=code&client_id=demo-app&redirect_uri={Uri.EscapeDataString(server.Url + "/demo/")}&scope=email&state=s";
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false });

        using (var page = new HttpRequestMessage(HttpMethod.Get, login))
        {
            page.Headers.Add("Cookie", "keycard.antiforgery=garbage");
            using var response = await http.SendAsync(page);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var post = new HttpRequestMessage(HttpMethod.Post, login))
        {
            post.Headers.Add("Cookie", "keycard.antiforgery=garbage");
            post.Headers.Add("Origin", server.Url);
            post.Content = new FormUrlEncodedContent([new("__keycard_csrf", "garbage"), new("username", "demo"), new("password", "keycard-demo")]);
            using var response = await http.SendAsync(post);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        await server.WaitForAsync(line => line.Contains("POST /login.html -> 400", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        var problems = server.Output.Where(line => line.Contains("Exception", StringComparison.Ordinal) || line.Contains(" fail: ", StringComparison.Ordinal)).ToList();
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }
}
