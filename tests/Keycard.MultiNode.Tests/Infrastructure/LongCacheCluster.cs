namespace Keycard.MultiNode.Tests.Infrastructure;

/// <summary>
/// Two nodes whose memory caches keep an access token for 30 s: a revocation seen on the other node well within that
/// can only have come from the notification (issue 14 item 8: LISTEN/NOTIFY), not from the cache expiring.
/// </summary>
public sealed class LongCacheCluster : KeycardCluster
{
    public static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(30);

    protected override IReadOnlyList<string> Settings => [.. base.Settings, $"--Keycard:Cache:Duration={CacheDuration}"];
}
