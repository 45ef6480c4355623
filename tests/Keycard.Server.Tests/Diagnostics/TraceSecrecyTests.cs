using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.Diagnostics;

/// <summary>
/// RFC 6750 §5.3 and STYLE habit 7, for traces: with tracing on, no password, code, token or secret appears in any
/// activity's name or tag, and the query string that carries <c>?access_token=</c> is recorded redacted.
/// </summary>
public sealed class TraceSecrecyTests
{
    [Fact]
    public async Task Traces_FullFlow_ContainNoSecret()
    {
        var activities = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var factory = new KeycardFactory();
        factory.Settings["Keycard:Telemetry:Traces"] = "true";
        await factory.SeedAsync();
        var api = new IOfficeClient(factory.CreateClient());

        var code = await api.GetCodeAsync();
        using var exchange = await api.ExchangeAsync(code);
        var tokens = await TokenSet.ReadAsync(exchange);
        using var me = await api.MeAsync(tokens.AccessToken, "query");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using var refresh = await api.RefreshAsync(tokens.RefreshToken);
        var rotated = await TokenSet.ReadAsync(refresh);
        (await api.AuthAsync(KeycardFactory.UserName, "Tr0ub4dor&3-wrong", KeycardFactory.PublicClientId)).Dispose();
        using var machine = await api.ExchangeAsync(null, KeycardFactory.ConfidentialClientId, secret: factory.ConfidentialSecret,
            extra: new Dictionary<string, string> { ["x-grant-type"] = "client_credentials" });
        var machineTokens = await TokenSet.ReadAsync(machine);
        (await api.RevokeAsync(rotated.RefreshToken)).Dispose();
        string[] secrets = [KeycardFactory.Password, "Tr0ub4dor&3-wrong", factory.ConfidentialSecret, code, tokens.AccessToken,
            tokens.RefreshToken!, rotated.AccessToken, rotated.RefreshToken!, machineTokens.AccessToken];

        var text = string.Join('\n', activities.Select(a => a.DisplayName + " " + string.Join(' ', a.TagObjects.Select(t => t.Key + "=" + t.Value))));

        // The capture saw the query string and the protocol's own tags, so a leak would have been caught.
        Assert.Contains("url.query=?access_token=", text, StringComparison.Ordinal);
        Assert.Contains("keycard.client_id=webapp", text, StringComparison.Ordinal);
        Assert.Contains("keycard.grant_type=refresh_token", text, StringComparison.Ordinal);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Uri.EscapeDataString(secret), text, StringComparison.Ordinal);
        }
    }
}
