namespace Keycard.Storage.Caching;

/// <summary>
/// The <c>entry</c> label <see cref="StoreCache"/> counts a cached type's hits and misses under, when it is not the
/// type's own name: a wrapper keeps the label of what it wraps (docs/operations.md lists the labels).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class CacheEntryNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
