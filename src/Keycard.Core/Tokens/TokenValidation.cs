namespace Keycard.Core.Tokens;

public enum TokenValidationStatus
{
    Valid,

    /// <summary>Known and not revoked, but past its expiry: the iOFFICE dialect answers 403 so clients refresh.</summary>
    Expired,

    /// <summary>Unknown, revoked, or not an access token.</summary>
    Invalid,
}

public sealed record TokenValidation(TokenValidationStatus Status, StoredToken? Token = null)
{
    public static readonly TokenValidation Invalid = new(TokenValidationStatus.Invalid);

    public bool IsValid => Status == TokenValidationStatus.Valid;
}
