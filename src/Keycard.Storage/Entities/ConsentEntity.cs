namespace Keycard.Storage.Entities;

/// <summary>A user's consent to a third-party client: the scopes granted, remembered until revoked. Times are Unix milliseconds.</summary>
public sealed class ConsentEntity
{
    public int UserId { get; set; }

    public required string ClientId { get; set; }

    public List<string> Scopes { get; set; } = [];

    public long GrantedAt { get; set; }
}
