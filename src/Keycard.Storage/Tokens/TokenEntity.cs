namespace Keycard.Storage.Tokens;

/// <summary>A code, access token or refresh token row. Times are Unix milliseconds so every provider compares them alike.</summary>
public sealed class TokenEntity
{
    public required byte[] Hash { get; set; }

    public int Kind { get; set; }

    public required string ClientId { get; set; }

    public int? UserId { get; set; }

    public required string Scope { get; set; }

    public bool ScopeOpen { get; set; }

    public required string FamilyId { get; set; }

    public string? RedirectUri { get; set; }

    public string? CodeChallenge { get; set; }

    public long CreatedAt { get; set; }

    public long ExpiresAt { get; set; }

    public long? ConsumedAt { get; set; }

    public long? RevokedAt { get; set; }

    public string? Nonce { get; set; }

    public long? AuthTime { get; set; }

    public string? Resource { get; set; }

    public string? SessionId { get; set; }
}
