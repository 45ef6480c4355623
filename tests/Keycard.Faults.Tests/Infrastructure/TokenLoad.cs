using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Keycard.Faults.Tests.Infrastructure;

/// <summary>
/// Write load through the standard token endpoint (client_credentials: one durable insert per request), recording
/// every access token that was answered, and the check that each answered token is still known after a fault.
/// </summary>
public sealed class TokenLoad(string clientId, string secret)
{
    public const string ClientId = "faults-service";

    private readonly ConcurrentBag<string> _answered = [];
    private readonly ConcurrentBag<(HttpStatusCode Status, string? Error, string? RetryAfter, TimeSpan Took)> _refused = [];

    public IReadOnlyCollection<string> Answered => _answered;

    /// <summary>Answers other than 200 (status, error code, Retry-After, how long the answer took).</summary>
    public IReadOnlyCollection<(HttpStatusCode Status, string? Error, string? RetryAfter, TimeSpan Took)> Refused => _refused;

    /// <summary>Registers the confidential client the load uses, through the CLI, and returns its secret.</summary>
    public static async Task<TokenLoad> RegisterAsync(string database)
    {
        var (exitCode, output) = await KeycardCommand.RunAsync(
            ["client", "add", ClientId, "--confidential", "--allow-client-credentials", "--json", "--database", database]);
        Assert.True(exitCode == 0, $"client add exited with {exitCode}:\n{output}");
        var json = output[output.IndexOf('{', StringComparison.Ordinal)..(output.LastIndexOf('}') + 1)];
        using var document = JsonDocument.Parse(json);
        return new TokenLoad(ClientId, document.RootElement.GetProperty("client_secret").GetString()!);
    }

    /// <summary>Runs <paramref name="workers"/> request loops against <paramref name="serve"/> until cancelled or the server goes away.</summary>
    public Task RunAsync(KeycardServe serve, int workers, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            using var http = serve.CreateClient(TimeSpan.FromSeconds(30));
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await RequestOnceAsync(http, stop);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException)
                {
                    // The server was killed or stopped: this request was never answered, so it promised nothing.
                    if (serve.HasExited || stop.IsCancellationRequested)
                    {
                        return;
                    }
                }
            }
        })));

    /// <summary>One token request; returns the status it was answered with.</summary>
    public Task<HttpStatusCode> RequestOnceAsync(HttpClient http, CancellationToken cancellationToken = default) =>
        PostTokenAsync(http, "grant_type=client_credentials", cancellationToken);

    /// <summary>
    /// One refresh request with <paramref name="refreshToken"/>: its first database operation is the lookup of that
    /// token (the client is authenticated from the cache when it is warm). Returns the status it was answered with.
    /// </summary>
    public Task<HttpStatusCode> RefreshOnceAsync(HttpClient http, string refreshToken) =>
        PostTokenAsync(http, "grant_type=refresh_token&refresh_token=" + Uri.EscapeDataString(refreshToken), CancellationToken.None);

    private async Task<HttpStatusCode> PostTokenAsync(HttpClient http, string form, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
        {
            Content = new StringContent(form, Encoding.ASCII, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = Basic();
        var timer = Stopwatch.StartNew();
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            using var document = JsonDocument.Parse(body);
            _answered.Add(document.RootElement.GetProperty("access_token").GetString()!);
        }
        else
        {
            string? error = null;
            try
            {
                using var document = JsonDocument.Parse(body);
                error = document.RootElement.TryGetProperty("error", out var e) ? e.GetString() : null;
            }
            catch (JsonException)
            {
            }

            _refused.Add((response.StatusCode, error, response.Headers.RetryAfter?.ToString(), timer.Elapsed));
        }

        return response.StatusCode;
    }

    /// <summary>The answered tokens the server no longer knows as active (RFC 7662 introspection).</summary>
    public async Task<IReadOnlyList<string>> FindLostAsync(KeycardServe serve)
    {
        var lost = new ConcurrentBag<string>();
        var queue = new ConcurrentQueue<string>(_answered);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            using var http = serve.CreateClient(TimeSpan.FromSeconds(60));
            while (queue.TryDequeue(out var token))
            {
                if (!await IsActiveAsync(http, token))
                {
                    lost.Add(token);
                }
            }
        })));
        return [.. lost];
    }

    public async Task<bool> IsActiveAsync(HttpClient http, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/introspect")
        {
            Content = new FormUrlEncodedContent([new("token", token)]),
        };
        request.Headers.Authorization = Basic();
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"introspection answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("active").GetBoolean();
    }

    private AuthenticationHeaderValue Basic() =>
        new("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));
}
