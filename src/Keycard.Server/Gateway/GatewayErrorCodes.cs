namespace Keycard.Server.Gateway;

/// <summary>The gateway's own error codes, in the iOFFICE error shape's <c>error</c> field.</summary>
internal static class GatewayErrorCodes
{
    /// <summary>502: the upstream refused the connection, reset it or answered with broken HTTP.</summary>
    public const string UpstreamUnavailable = "upstream_unavailable";

    /// <summary>504: the upstream stayed silent longer than the route's timeout.</summary>
    public const string UpstreamTimeout = "upstream_timeout";
}
