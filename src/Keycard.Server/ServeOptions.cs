namespace Keycard.Server;

/// <summary>What <c>keycard serve</c> was asked for on its command line.</summary>
internal sealed record ServeOptions
{
    public const string DefaultUrls = "http://127.0.0.1:5000";

    public string Urls { get; init; } = DefaultUrls;

    public string? Database { get; init; }

    public bool Demo { get; init; }

    /// <summary>Keycard sits behind a TLS-terminating proxy; plain http on a public address is then allowed.</summary>
    public bool BehindProxy { get; init; }

    public IReadOnlyList<string> KnownProxies { get; init; } = [];

    /// <summary>One upstream API proxied under /external/api/rest/v2/ (gateway mode, docs/gateway.md).</summary>
    public string? Upstream { get; init; }
}
