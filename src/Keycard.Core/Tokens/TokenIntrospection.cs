namespace Keycard.Core.Tokens;

/// <summary>The answer: inactive, or the active token with its user's name (null for client-credentials tokens).</summary>
public sealed record TokenIntrospection(bool Active, StoredToken? Token = null, string? UserName = null)
{
    public static readonly TokenIntrospection Inactive = new(false);

    /// <summary>Inactive because it expired: told only to a client that may see the token (a Keycard extension, not RFC 7662).</summary>
    public static readonly TokenIntrospection Expired = new(false) { InactiveReason = ExpiredReason };

    public const string ExpiredReason = "expired";

    /// <summary>Why an inactive token is inactive, when the caller may know; null otherwise.</summary>
    public string? InactiveReason { get; init; }
}
