namespace Keycard.Server.Diagnostics;

/// <summary>Metrics and traces (docs/operations.md), bound from "Keycard:Telemetry"; ranges in Configuration/KeycardSettings.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Keycard:Telemetry";

    /// <summary>Serve the "Keycard" meter and ASP.NET Core's request metrics in Prometheus format.</summary>
    public bool Metrics { get; set; }

    /// <summary>Where Prometheus scrapes.</summary>
    public string MetricsPath { get; set; } = "/metrics";

    /// <summary>
    /// When set (for example http://10.0.0.5:9464), Keycard also listens there and answers the metrics path only on
    /// that port, so a firewall can keep it off the public address.
    /// </summary>
    public string? MetricsUrl { get; set; }

    /// <summary>Record a trace per request (ASP.NET Core, Npgsql) even with no OTLP endpoint (for a local listener).</summary>
    public bool Traces { get; set; }

    /// <summary>An OTLP collector (http://collector:4317). The standard OTEL_EXPORTER_OTLP_ENDPOINT works too.</summary>
    public string? OtlpEndpoint { get; set; }
}
