using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.Diagnostics;

/// <summary>The Prometheus endpoint: off by default; when on, a flow moves the Keycard meter's counters.</summary>
public sealed partial class MetricsTests
{
    [Fact]
    public async Task Metrics_ByDefault_NotServed()
    {
        using var factory = await new KeycardFactory().SeedAsync();

        using var response = await factory.CreateClient().GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_AfterFlow_CountersMoved()
    {
        using var factory = new KeycardFactory();
        factory.Settings["Keycard:Telemetry:Metrics"] = "true";
        await factory.SeedAsync();
        var api = new IOfficeClient(factory.CreateClient());

        var tokens = await api.SignInAsync();
        (await api.RefreshAsync(tokens.RefreshToken)).Dispose();
        (await api.AuthAsync(KeycardFactory.UserName, "wrong password", KeycardFactory.PublicClientId)).Dispose();
        (await api.MeAsync(tokens.AccessToken)).Dispose();
        var code = await api.GetCodeAsync();
        (await api.ExchangeAsync(code)).Dispose();
        (await api.ExchangeAsync(code)).Dispose();
        (await api.RevokeAsync(tokens.RefreshToken)).Dispose();

        using var response = await factory.CreateClient().GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(Value(text, "keycard_tokens_issued_total", "client_id=\"spa\"", "grant_type=\"authorization_code\"") >= 2);
        Assert.True(Value(text, "keycard_tokens_issued_total", "client_id=\"spa\"", "grant_type=\"refresh_token\"") >= 1);
        Assert.True(Value(text, "keycard_signins_total", "outcome=\"succeeded\"") >= 2);
        Assert.True(Value(text, "keycard_signins_total", "outcome=\"failed\"") >= 1);
        Assert.True(Value(text, "keycard_reuse_detections_total", "token_kind=\"authorization_code\"") >= 1);
        Assert.True(Value(text, "keycard_revocations_total", "token_kind=\"refresh_token\"") >= 1);
        Assert.True(Value(text, "keycard_token_writer_batch_size_count") >= 3);
        Assert.True(Value(text, "keycard_token_writer_commit_duration_seconds_count") >= 3);
        Assert.True(Value(text, "keycard_cache_hits_total") + Value(text, "keycard_cache_misses_total") >= 1);
        Assert.True(Value(text, "http_server_request_duration_seconds_count", "http_route=\"/external/api/oauth2/token\"") >= 4);
    }

    [Fact]
    public async Task Metrics_OnSeparateUrl_AnsweredOnlyOnThatPort()
    {
        using var factory = new KeycardFactory();
        factory.Settings["Keycard:Telemetry:Metrics"] = "true";
        factory.Settings["Keycard:Telemetry:MetricsUrl"] = "http://127.0.0.1:9464";
        await factory.SeedAsync();

        using var onPublic = await factory.CreateClient(new() { BaseAddress = new Uri("http://localhost") }).GetAsync("/metrics");
        using var onMetricsPort = await factory.CreateClient(new() { BaseAddress = new Uri("http://localhost:9464") }).GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, onPublic.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onMetricsPort.StatusCode);
    }

    /// <summary>The sum of every sample of <paramref name="name"/> whose labels include each of <paramref name="labels"/>.</summary>
    private static double Value(string exposition, string name, params string[] labels) =>
        Sample().Matches(exposition)
            .Where(m => m.Groups["name"].Value == name && labels.All(l => m.Groups["labels"].Value.Contains(l, StringComparison.Ordinal)))
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-z_]+)(\{(?<labels>[^}]*)\})? (?<value>[0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
