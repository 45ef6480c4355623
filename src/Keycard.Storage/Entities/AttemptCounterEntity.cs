namespace Keycard.Storage.Entities;

/// <summary>Failed attempts for one account or client, shared by every node.</summary>
public sealed class AttemptCounterEntity
{
    public required string Key { get; set; }

    public int Failures { get; set; }

    public long LastFailureAt { get; set; }

    public long? LockedUntil { get; set; }
}
