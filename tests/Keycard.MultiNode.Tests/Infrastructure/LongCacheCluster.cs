namespace Keycard.MultiNode.Tests.Infrastructure;

/// <summary>
/// Two nodes whose memory caches keep an access token for a minute (the longest Keycard:Cache:Duration accepted): a
/// revocation seen on a node well within that can only have come from the notification (issue 14 item 8:
/// LISTEN/NOTIFY), not from the cache expiring, even when a CLI command took several seconds on a loaded machine.
/// </summary>
public sealed class LongCacheCluster : KeycardCluster
{
    public static readonly TimeSpan CacheDuration = TimeSpan.FromMinutes(1);

    protected override IReadOnlyList<string> Settings => [.. base.Settings, $"--Keycard:Cache:Duration={CacheDuration}"];
}
