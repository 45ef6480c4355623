namespace Keycard.Core.Tokens;

/// <summary>The answer: inactive, or the active token with its user's name (null for client-credentials tokens).</summary>
public sealed record TokenIntrospection(bool Active, StoredToken? Token = null, string? UserName = null)
{
    public static readonly TokenIntrospection Inactive = new(false);
}
