namespace Keycard.Bench.Ceiling;

/// <summary>A small JSON body, the size of Keycard's token and profile answers.</summary>
public sealed record SmallJson(string Name, string Value, long Number, long Timestamp);
