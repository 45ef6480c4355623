namespace Keycard.Storage.Caching;

/// <summary>
/// How long a node may answer from memory. Revocations made through this node take effect at once (the caches are
/// invalidated); made through another node or the CLI, within this bound. Zero turns the caches off.
/// </summary>
public sealed class StoreCacheOptions
{
    /// <summary>The configuration section this class is bound from (Configuration/KeycardSettings lists it for <c>config show</c>).</summary>
    public const string Section = "Keycard:Cache";

    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most entries the cache holds; beyond it the oldest are compacted away.</summary>
    public int MaxEntries { get; set; } = 100_000;
}
