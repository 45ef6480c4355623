using System.ComponentModel.DataAnnotations;

namespace Keycard.Server.Diagnostics;

/// <summary>Metrics and traces (docs/operations.md), bound from "Keycard:Telemetry".</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Keycard:Telemetry";

    /// <summary>Serve the "Keycard" meter and ASP.NET Core's request metrics in Prometheus format.</summary>
    public bool Metrics { get; set; }

    /// <summary>Where Prometheus scrapes.</summary>
    [RegularExpression("^/[A-Za-z0-9._~/-]*$", ErrorMessage = "must be a path starting with '/'")]
    public string MetricsPath { get; set; } = "/metrics";

    /// <summary>
    /// When set (for example http://10.0.0.5:9464), Keycard also listens there and answers the metrics path only on
    /// that port, so a firewall can keep it off the public address.
    /// </summary>
    [Url(ErrorMessage = "must be an absolute http:// URL such as http://127.0.0.1:9464")]
    public string? MetricsUrl { get; set; }

    /// <summary>Record a trace per request (ASP.NET Core, Npgsql) even with no OTLP endpoint (for a local listener).</summary>
    public bool Traces { get; set; }

    /// <summary>An OTLP collector (http://collector:4317). The standard OTEL_EXPORTER_OTLP_ENDPOINT works too.</summary>
    [Url(ErrorMessage = "must be an absolute URL such as http://collector:4317")]
    public string? OtlpEndpoint { get; set; }
}
