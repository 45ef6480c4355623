using Keycard.Core.Diagnostics;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Keycard.Server.Diagnostics;

/// <summary>
/// OpenTelemetry: the "Keycard" meter (Core/Diagnostics/KeycardTelemetry), ASP.NET Core's request metrics
/// (http.server.request.duration by route) and Npgsql's, exported to Prometheus and/or OTLP; traces of every request
/// when an OTLP endpoint is set. All of it off unless configured (docs/operations.md).
/// </summary>
internal static class KeycardObservability
{
    public static void AddKeycardObservability(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otlpEndpoint = options.OtlpEndpoint ?? builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var otlp = !string.IsNullOrWhiteSpace(otlpEndpoint);
        if (!options.Metrics && !options.Traces && !otlp)
        {
            return;
        }

        if (options.MetricsUrl is { } metricsUrl && options.Metrics)
        {
            var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey);
            builder.WebHost.UseUrls(string.IsNullOrEmpty(urls) ? metricsUrl : urls + ";" + metricsUrl);
        }

        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(r => r.AddService("keycard"));
        if (options.Metrics || otlp)
        {
            telemetry.WithMetrics(metrics =>
            {
                // ASP.NET Core's own meters (http.server.request.duration by route, Kestrel's connections, exceptions,
                // rate-limiter rejections) rather than the instrumentation package's full set, which adds the routing
                // meter's per-request match counter. No exemplars: the Prometheus text format does not carry them, and
                // each measurement would check for a sampled trace.
                metrics.AddMeter(KeycardTelemetry.MeterName).AddMeter(AspNetCoreMeters).AddNpgsqlInstrumentation()
                    .SetExemplarFilter(ExemplarFilterType.AlwaysOff);
                if (options.Metrics)
                {
                    metrics.AddPrometheusExporter(o => o.ScrapeEndpointPath = options.MetricsPath);
                }

                if (otlp)
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = new Uri(otlpEndpoint!));
                }
            });
        }

        if (options.Traces || otlp)
        {
            telemetry.WithTracing(tracing =>
            {
                // The instrumentation records url.query with every value redacted: ?access_token= never reaches a span.
                tracing.AddAspNetCoreInstrumentation(o => o.Filter = context => !IsOperational(context.Request.Path, options)).AddNpgsql();
                if (otlp)
                {
                    tracing.AddOtlpExporter(o => o.Endpoint = new Uri(otlpEndpoint!));
                }
            });
        }
    }

    /// <summary>The ASP.NET Core meters exported (docs/operations.md lists their instruments).</summary>
    internal static readonly string[] AspNetCoreMeters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.RateLimiting",
    ];

    public static void MapKeycardMetrics(this WebApplication app)
    {
        var options = app.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (!options.Metrics)
        {
            return;
        }

        var endpoint = app.MapPrometheusScrapingEndpoint(options.MetricsPath);
        if (options.MetricsUrl is { } metricsUrl)
        {
            endpoint.RequireHost("*:" + new Uri(metricsUrl).Port);
        }
    }

    private static bool IsOperational(PathString path, TelemetryOptions options) =>
        path.StartsWithSegments(options.MetricsPath, StringComparison.Ordinal) ||
        path.StartsWithSegments("/healthz", StringComparison.Ordinal) ||
        path.StartsWithSegments("/readyz", StringComparison.Ordinal);
}
