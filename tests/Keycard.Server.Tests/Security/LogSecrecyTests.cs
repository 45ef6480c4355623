using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Keycard.Core.Security;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.Security;

/// <summary>
/// STYLE habit 7 and RFC 6750 §5.3: no password, token, code or secret in any log, at any level, in any category,
/// including the request URL that carries <c>?access_token=</c>.
/// </summary>
public sealed class LogSecrecyTests
{
    [Fact]
    public async Task Logs_FullFlowAtTraceLevel_ContainNoSecret()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = new KeycardFactory { Logs = logs };
        await factory.SeedAsync();
        var api = new IOfficeClient(factory.CreateClient());
        var page = LoginPageClient.Create(factory);
        var secrets = new List<string> { KeycardFactory.Password, factory.ConfidentialSecret };

        // Login page with PKCE, a failed attempt first.
        var verifier = SecureToken.Generate() + "-verifier";
        var query = LoginPageClient.DefaultQuery() + "&code_challenge=" + Pkce.ComputeChallenge(verifier) + "&code_challenge_method=S256";
        var csrf = await page.GetTokenAsync(query);
        const string WrongPassword = "Tr0ub4dor&3-wrong";
        secrets.AddRange([csrf, WrongPassword, verifier]);
        (await page.PostAsync(query, KeycardFactory.UserName, WrongPassword, csrf)).Dispose();
        using var signIn = await page.SignInAsync(query);
        var pageCode = LoginPageClient.CodeFrom(signIn);
        secrets.Add(pageCode);
        using var exchange = await api.ExchangeAsync(pageCode, extra: new Dictionary<string, string> { ["x-code-verifier"] = verifier });
        Assert.Equal(HttpStatusCode.OK, exchange.StatusCode);
        var pageTokens = await TokenSet.ReadAsync(exchange);

        // The guide's flow: password endpoint, exchange, every API transport, refresh, tokeninfo, revoke.
        var apiCode = await api.GetCodeAsync();
        using var apiExchange = await api.ExchangeAsync(apiCode);
        var tokens = await TokenSet.ReadAsync(apiExchange);
        foreach (var transport in new[] { "query", "header", "bearer" })
        {
            using var me = await api.MeAsync(tokens.AccessToken, transport);
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        using var refresh = await api.RefreshAsync(tokens.RefreshToken);
        var rotated = await TokenSet.ReadAsync(refresh);
        (await api.TokenInfoAsync(rotated.AccessToken)).Dispose();
        (await api.RevokeAsync(rotated.RefreshToken)).Dispose();
        (await api.MeAsync(rotated.AccessToken, "query")).Dispose();
        (await factory.CreateClient().GetAsync("/external/api/rest/v2/users/me?x=1&access_token=" + pageTokens.AccessToken + "&code=" + pageCode)).Dispose();
        using var clientCredentials = await api.ExchangeAsync(null, KeycardFactory.ConfidentialClientId, secret: factory.ConfidentialSecret,
            extra: new Dictionary<string, string> { ["x-grant-type"] = "client_credentials" });
        var machine = await TokenSet.ReadAsync(clientCredentials);
        secrets.AddRange([apiCode, tokens.AccessToken, tokens.RefreshToken!, rotated.AccessToken, rotated.RefreshToken!,
            pageTokens.AccessToken, pageTokens.RefreshToken!, machine.AccessToken]);

        var text = logs.AllText;

        // The capture works and saw the request URLs, so a leak would have been caught.
        Assert.Contains("Microsoft.AspNetCore.Hosting.Diagnostics", text, StringComparison.Ordinal);
        Assert.Contains("/external/api/rest/v2/users/me?access_token=[redacted]", text, StringComparison.Ordinal);

        // The one-line request log names the path only: never the query string, never a header.
        var requestLines = logs.Entries.Where(e => e.StartsWith("Information Keycard.Requests[", StringComparison.Ordinal)).ToList();
        Assert.Contains(requestLines, e => e.Contains("GET /external/api/rest/v2/users/me -> 200", StringComparison.Ordinal));
        Assert.All(requestLines, e => Assert.DoesNotContain("?", e, StringComparison.Ordinal));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Uri.EscapeDataString(secret), text, StringComparison.Ordinal);
        }
    }

    // RFC 6750 §5.3: a token in a path parameter is redacted by the request log itself, which the redacting logger
    // factory does not inspect again (one line per request, formatted once), and in ASP.NET Core's request scope
    // (RequestPath), which the capture prints as the JSON console does with IncludeScopes.
    [Fact]
    public async Task RequestLog_TokenInPathParameter_IsRedacted()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = new KeycardFactory { Logs = logs };
        await factory.SeedAsync();
        const string Secret = "path-parameter-secret-4711";

        (await factory.CreateClient().GetAsync($"/external/api/rest/v2/users/me;access_token={Secret}")).Dispose();

        var requestLines = logs.Entries.Where(e => e.StartsWith("Information Keycard.Requests[", StringComparison.Ordinal)).ToList();
        Assert.Contains(requestLines, e => e.Contains("/external/api/rest/v2/users/me;access_token=[redacted] -> ", StringComparison.Ordinal));
        Assert.Contains("scope: RequestPath:/external/api/rest/v2/users/me;access_token=[redacted]", logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_EveryProtocolDecisionEvent_ContainNoSecret()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = new KeycardFactory { Logs = logs };
        await factory.SeedAsync();
        var api = new IOfficeClient(factory.CreateClient());
        var secrets = new List<string> { KeycardFactory.Password, factory.ConfidentialSecret };

        // Replay (2011), PKCE failure (2012), redirect mismatch (2013), expiry (2010).
        var replayed = await api.GetCodeAsync();
        (await api.ExchangeAsync(replayed)).Dispose();
        (await api.ExchangeAsync(replayed)).Dispose();
        var verifier = SecureToken.Generate() + "-verifier";
        using var pkceAuth = await api.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, KeycardFactory.PublicClientId,
            extra: new Dictionary<string, string> { ["x-code-challenge"] = Pkce.ComputeChallenge(verifier), ["x-code-challenge-method"] = "S256" });
        var pkceCode = (await pkceAuth.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
        (await api.ExchangeAsync(pkceCode, extra: new Dictionary<string, string> { ["x-code-verifier"] = verifier + "-wrong" })).Dispose();
        var misdirected = await api.GetCodeAsync();
        (await api.ExchangeAsync(misdirected, redirectUri: "https://attacker.example.com/cb")).Dispose();
        var expired = await api.GetCodeAsync();
        factory.Time.Advance(TimeSpan.FromMinutes(6));
        (await api.ExchangeAsync(expired)).Dispose();

        // Refresh reuse (2021), revocation (2201), a wrong client secret (2002).
        var tokens = await api.SignInAsync();
        using var rotated = await api.RefreshAsync(tokens.RefreshToken);
        var next = await TokenSet.ReadAsync(rotated);
        factory.Time.Advance(TimeSpan.FromMinutes(1));
        (await api.RefreshAsync(tokens.RefreshToken)).Dispose();
        var fresh = await api.SignInAsync();
        (await api.RevokeAsync(fresh.RefreshToken)).Dispose();
        const string WrongSecret = "wrong-client-secret-0123456789abcdef";
        (await api.ExchangeAsync(null, KeycardFactory.ConfidentialClientId, secret: WrongSecret,
            extra: new Dictionary<string, string> { ["x-grant-type"] = "client_credentials" })).Dispose();

        // Sign-in failures (2102) then the lock (2103).
        const string WrongPassword = "Tr0ub4dor&3-wrong";
        for (var i = 0; i < 5; i++)
        {
            (await api.AuthAsync(KeycardFactory.UserName, WrongPassword, KeycardFactory.PublicClientId)).Dispose();
        }

        (await api.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, KeycardFactory.PublicClientId)).Dispose();
        secrets.AddRange([replayed, verifier, pkceCode, misdirected, expired, tokens.AccessToken, tokens.RefreshToken!, next.AccessToken,
            next.RefreshToken!, fresh.AccessToken, fresh.RefreshToken!, WrongSecret, WrongPassword]);

        var text = logs.AllText;

        // Every decision was logged, so a secret in any of them would have been caught.
        foreach (var id in new[] { 2001, 2002, 2010, 2011, 2012, 2013, 2021, 2101, 2102, 2103, 2201 })
        {
            Assert.Contains(" Keycard[" + id + "] ", text, StringComparison.Ordinal);
        }

        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Uri.EscapeDataString(secret), text, StringComparison.Ordinal);
        }
    }
}
