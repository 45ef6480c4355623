using System.Net;
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
}
