using System.Security.Claims;

namespace Keycard.AspNetCore;

/// <summary>What validating a presented token found: the caller, or why not.</summary>
public sealed record KeycardTokenCheck(KeycardTokenStatus Status, ClaimsIdentity? Identity = null, DateTimeOffset? ExpiresAt = null)
{
    public static readonly KeycardTokenCheck Invalid = new(KeycardTokenStatus.Invalid);

    public static readonly KeycardTokenCheck Expired = new(KeycardTokenStatus.Expired);

    public static readonly KeycardTokenCheck Unavailable = new(KeycardTokenStatus.Unavailable);
}
