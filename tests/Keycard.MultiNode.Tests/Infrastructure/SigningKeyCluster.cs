namespace Keycard.MultiNode.Tests.Infrastructure;

/// <summary>
/// Two nodes that read the signing keys again every <see cref="RefreshInterval"/> (Keycard:SigningKeys:RefreshInterval,
/// a minute by default), so a rotation made elsewhere is seen within a test's patience. They share the cluster's
/// key-encryption key, as every node must (docs/deployment.md), and start together on an empty signing_keys table.
/// </summary>
public sealed class SigningKeyCluster : KeycardCluster
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);

    protected override IReadOnlyList<string> Settings => [.. base.Settings, $"--Keycard:SigningKeys:RefreshInterval={RefreshInterval}"];
}
