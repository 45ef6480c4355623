using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Keycard.Server.Tests.Infrastructure;
using Keycard.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Server.Tests.Pruning;

/// <summary>
/// The token table stays bounded: the background pruning (Keycard:PruneInterval, default 5 minutes) deletes rows that
/// expired or were revoked more than Keycard:PruneRetention (default 1 hour) ago, in batches of 500.
/// </summary>
public sealed class TokenPruningTests : IAsyncLifetime
{
    private readonly KeycardFactory _factory = new();
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        await _factory.SeedAsync();
        _http = _factory.CreateClient();
    }

    public Task DisposeAsync()
    {
        _http.Dispose();
        _factory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task BackgroundPruning_ManyTokensPastExpiryAndRetention_ShrinksTheTableBackToTheLiveOnes()
    {
        // More than two batches, so the service must loop until a batch comes back short.
        const int issued = 1_100;
        for (var i = 0; i < issued; i++)
        {
            await IssueAsync();
        }

        Assert.Equal(issued, await CountTokensAsync());

        // Past the 1 h access-token lifetime plus the 1 h retention, and past one 5 min pruning interval.
        _factory.Time.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var live = await IssueAsync();

        // The fake clock wakes the service; its batches then run in real time. 1 is reached only after the last batch.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var count = await CountTokensAsync();
        while (count != 1 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            count = await CountTokensAsync();
        }

        Assert.Equal(1, count);
        using var info = new HttpRequestMessage(HttpMethod.Get, "/external/api/oauth2/tokeninfo");
        info.Headers.Add("x-token", live);
        using var response = await _http.SendAsync(info);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>One client-credentials access token: a single row, and no password hashing to slow the loop.</summary>
    private async Task<string> IssueAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/external/api/oauth2/token");
        request.Headers.Add("x-grant-type", "client_credentials");
        request.Headers.Add("x-client-id", KeycardFactory.ConfidentialClientId);
        request.Headers.Add("x-client-secret", _factory.ConfidentialSecret);
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }

    private Task<int> CountTokensAsync() =>
        _factory.WithScopeAsync(sp => sp.GetRequiredService<KeycardDbContext>().Tokens.CountAsync());
}
