using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Keycard.MultiNode.Tests.Infrastructure;

namespace Keycard.MultiNode.Tests;

/// <summary>
/// Two real Keycard processes on one PostgreSQL database: whatever one node does, the other must see at once, because
/// nothing a node needs is kept only in its memory (codes, tokens, lockout counters, Data Protection keys).
/// </summary>
public sealed partial class MultiNodeTests : IClassFixture<KeycardCluster>, IDisposable
{
    private readonly KeycardCluster _cluster;
    private readonly HttpClient _a;
    private readonly HttpClient _b;

    public MultiNodeTests(KeycardCluster cluster)
    {
        Skip.If(cluster.Unavailable is not null, cluster.Unavailable);
        _cluster = cluster;
        _a = cluster.A.CreateClient();
        _b = cluster.B.CreateClient();
    }

    public void Dispose()
    {
        _a?.Dispose();
        _b?.Dispose();
    }

    [SkippableFact]
    public async Task LoginPage_ServedByAPostedToB_RedirectsWithACodeThatRedeemsOnA()
    {
        var (path, cookie, csrf) = await GetLoginFormAsync(_a);

        using var post = await PostLoginAsync(_b, path, cookie, csrf, "alice", KeycardCluster.Password);

        Assert.Equal(HttpStatusCode.SeeOther, post.StatusCode);
        var location = post.Headers.Location!.ToString();
        Assert.StartsWith(KeycardCluster.RedirectUri + "#code=", location, StringComparison.Ordinal);
        var code = Uri.UnescapeDataString(CodeInFragment().Match(location).Groups[1].Value);
        using var exchange = await ExchangeAsync(_a, code);
        Assert.Equal(HttpStatusCode.OK, exchange.StatusCode);
    }

    [SkippableFact]
    public async Task LoginPage_PostedToBWithoutTheAntiforgeryCookie_IsRefused()
    {
        // The control for the test above: B really checks the token, so its 303 there proves it read A's key.
        var (path, _, csrf) = await GetLoginFormAsync(_a);

        using var post = await PostLoginAsync(_b, path, cookie: null, csrf, "alice", KeycardCluster.Password);

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Null(post.Headers.Location);
    }

    [SkippableFact]
    public async Task DataProtection_TwoNodesStartedTogetherOnAnEmptyDatabase_HaveOneSharedKeyBeforeServing()
    {
        // Counted before any request reached a node: each node makes sure of the key before it serves, and exactly one
        // made it. Had each made its own, each would reject the other's anti-forgery tokens for up to a day.
        Assert.Equal(1, _cluster.KeysAfterStart);
        Assert.Equal(1, await _cluster.ScalarAsync("SELECT count(*) FROM data_protection_keys"));
    }

    [SkippableFact]
    public async Task Code_IssuedByARedeemedOnB_ReturnsTokensOnceAcrossBothNodes()
    {
        var code = await GetCodeAsync(_a, "alice", KeycardCluster.Password);

        using var onB = await ExchangeAsync(_b, code);
        using var againOnA = await ExchangeAsync(_a, code);

        Assert.Equal(HttpStatusCode.OK, onB.StatusCode);
        var tokens = await onB.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrEmpty(tokens.GetProperty("access_token").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, againOnA.StatusCode);
        Assert.Equal("invalid_grant", (await againOnA.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [SkippableFact]
    public async Task AccessToken_IssuedByB_IsAcceptedByA()
    {
        var tokens = await SignInAsync(_b);

        using var me = await MeAsync(_a, tokens.Access);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Contains("alice@example.com", await me.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Refresh_OnAThenOnB_RotatesAndTheSpentTokenFailsOnEitherNode()
    {
        var first = await SignInAsync(_a);

        using var onA = await RefreshAsync(_a, first.Refresh);
        Assert.Equal(HttpStatusCode.OK, onA.StatusCode);
        var second = await ReadTokensAsync(onA);
        using var onB = await RefreshAsync(_b, second.Refresh);
        Assert.Equal(HttpStatusCode.OK, onB.StatusCode);
        var third = await ReadTokensAsync(onB);
        using var replay = await RefreshAsync(_b, first.Refresh);

        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        using var me = await MeAsync(_a, third.Access);
        // RFC 9700 §4.14.2: replaying a rotated refresh token revokes the family, on every node.
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [SkippableFact]
    public async Task Revocation_OnB_IsRejectedByAWithinTheCacheBound()
    {
        var tokens = await SignInAsync(_a);
        using (var before = await MeAsync(_a, tokens.Access))
        {
            // Node A now holds the token in its validation cache (Keycard:Cache:Duration, 1 s by default).
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var revoked = await RevokeAsync(_b, tokens.Access);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // The documented bound: a revocation through another node takes effect within one second.
        var status = HttpStatusCode.OK;
        while (clock.Elapsed < TimeSpan.FromSeconds(3))
        {
            using var after = await MeAsync(_a, tokens.Access);
            status = after.StatusCode;
            if (status == HttpStatusCode.Unauthorized)
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"refused after {clock.Elapsed.TotalMilliseconds:F0} ms");
    }

    [SkippableFact]
    public async Task Lockout_FailuresSplitBetweenNodes_LocksTheAccountOnBoth()
    {
        await _cluster.AddUserAsync("bob");
        var nodes = new[] { _a, _b };

        // Five failures (the default limit), alternating nodes: neither node alone saw enough to lock.
        for (var i = 0; i < 5; i++)
        {
            using var failure = await AuthAsync(nodes[i % 2], "bob", "wrong password " + i);
            Assert.Equal(HttpStatusCode.BadRequest, failure.StatusCode);
        }

        foreach (var node in nodes)
        {
            // Locked even with the right password.
            using var locked = await AuthAsync(node, "bob", KeycardCluster.Password);
            Assert.Equal((HttpStatusCode)429, locked.StatusCode);
            Assert.Equal("too_many_attempts", (await locked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
            Assert.True(locked.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without a Retry-After");
        }
    }

    [SkippableFact]
    public async Task TokensPrune_CliOnTheSharedDatabase_DeletesRevokedRowsAndKeepsLiveOnes()
    {
        var revoked = await SignInAsync(_a);
        var live = await SignInAsync(_b);
        using (var response = await RevokeAsync(_b, revoked.Refresh))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var revokedRows = await _cluster.ScalarAsync("SELECT count(*) FROM tokens WHERE \"RevokedAt\" IS NOT NULL");
        Assert.True(revokedRows > 0);

        var output = await _cluster.CliAsync(["tokens", "prune", "--retention", "00:00:00"]);

        Assert.Contains("Pruned", output, StringComparison.Ordinal);
        Assert.Equal(0, await _cluster.ScalarAsync("SELECT count(*) FROM tokens WHERE \"RevokedAt\" IS NOT NULL"));
        using var me = await MeAsync(_a, live.Access);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    private static async Task<(string Path, string? Cookie, string Csrf)> GetLoginFormAsync(HttpClient node)
    {
        var path = "/login.html?response_type=code&client_id=" + KeycardCluster.ClientId +
            "&redirect_uri=" + Uri.EscapeDataString(KeycardCluster.RedirectUri) + "&scope=email&state=multinode";
        using var page = await node.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var cookie = page.Headers.GetValues("Set-Cookie")
            .Select(c => c.Split(';')[0])
            .Single(c => c.StartsWith("keycard.antiforgery=", StringComparison.Ordinal));
        var csrf = CsrfField().Match(await page.Content.ReadAsStringAsync());
        Assert.True(csrf.Success, "The login page has no __keycard_csrf field.");
        return (path, cookie, WebUtility.HtmlDecode(csrf.Groups[1].Value));
    }

    private static Task<HttpResponseMessage> PostLoginAsync(HttpClient node, string path, string? cookie, string csrf, string user, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__keycard_csrf"] = csrf,
                ["username"] = user,
                ["password"] = password,
            }),
        };
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return node.SendAsync(request);
    }

    private static Task<HttpResponseMessage> AuthAsync(HttpClient node, string user, string password, string clientId = KeycardCluster.ClientId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/external/api/oauth2/auth");
        request.Headers.Add("x-auth-username", user);
        request.Headers.Add("x-auth-password", password);
        request.Headers.Add("x-client-id", clientId);
        return node.SendAsync(request);
    }

    private static async Task<string> GetCodeAsync(HttpClient node, string user, string password, string clientId = KeycardCluster.ClientId)
    {
        using var response = await AuthAsync(node, user, password, clientId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
    }

    private static Task<HttpResponseMessage> ExchangeAsync(HttpClient node, string code, string clientId = KeycardCluster.ClientId) => TokenAsync(node, new()
    {
        ["x-grant-type"] = "authorization_code",
        ["x-auth-code"] = code,
    }, clientId);

    private static Task<HttpResponseMessage> RefreshAsync(HttpClient node, string refreshToken) => TokenAsync(node, new()
    {
        ["x-grant-type"] = "refresh_token",
        ["x-refresh-token"] = refreshToken,
    });

    private static Task<HttpResponseMessage> TokenAsync(HttpClient node, Dictionary<string, string> headers, string clientId = KeycardCluster.ClientId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/external/api/oauth2/token");
        request.Headers.Add("x-redirect-uri", KeycardCluster.RedirectUri);
        request.Headers.Add("x-client-id", clientId);
        request.Headers.Add("x-scope", "email");
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return node.SendAsync(request);
    }

    /// <summary>The guide's revocation endpoint on <paramref name="node"/>: one access or refresh token.</summary>
    private static Task<HttpResponseMessage> RevokeAsync(HttpClient node, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/external/api/oauth2/revoke");
        request.Headers.Add("x-token", token);
        return node.SendAsync(request);
    }

    private static Task<HttpResponseMessage> MeAsync(HttpClient node, string accessToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/external/api/rest/v2/users/me");
        request.Headers.Add("x-access-token", accessToken);
        return node.SendAsync(request);
    }

    private static async Task<(string Access, string Refresh)> SignInAsync(HttpClient node, string user = "alice", string clientId = KeycardCluster.ClientId)
    {
        var code = await GetCodeAsync(node, user, KeycardCluster.Password, clientId);
        using var response = await ExchangeAsync(node, code, clientId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadTokensAsync(response);
    }

    private static async Task<(string Access, string Refresh)> ReadTokensAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("access_token").GetString()!, body.GetProperty("refresh_token").GetString()!);
    }

    [GeneratedRegex("name=\"__keycard_csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();

    [GeneratedRegex("#code=([^&]+)")]
    private static partial Regex CodeInFragment();
}
