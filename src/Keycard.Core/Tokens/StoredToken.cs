namespace Keycard.Core.Tokens;

/// <summary>
/// A code or token as stored: only its SHA-256 hash, never the value. Every token issued from one
/// authorization shares a <see cref="FamilyId"/>, so replay detection can revoke them together (RFC 9700 §4.14.2).
/// </summary>
public sealed record StoredToken
{
    public required byte[] Hash { get; init; }

    public required TokenKind Kind { get; init; }

    public required string ClientId { get; init; }

    /// <summary>Null for client-credentials tokens, which act for the client itself.</summary>
    public int? UserId { get; init; }

    public required string Scope { get; init; }

    public required string FamilyId { get; init; }

    /// <summary>For codes: the redirect URI the code was issued to (RFC 6749 §4.1.3), or null when none was named.</summary>
    public string? RedirectUri { get; init; }

    /// <summary>For codes: the S256 PKCE challenge (RFC 7636 §4.4).</summary>
    public string? CodeChallenge { get; init; }

    /// <summary>For codes issued without a scope (the iOFFICE password endpoint): the token request names it.</summary>
    public bool ScopeOpen { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When a code was redeemed or a refresh token rotated.</summary>
    public DateTimeOffset? ConsumedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>For codes (and the tokens they lead to) of an OpenID Connect request: the request's <c>nonce</c>, echoed in the ID token (OpenID Connect Core §3.1.2.1).</summary>
    public string? Nonce { get; init; }

    /// <summary>When the user last entered their password for this authorization (the ID token's <c>auth_time</c>); null for client-credentials tokens.</summary>
    public DateTimeOffset? AuthTime { get; init; }

    /// <summary>The resource indicator (RFC 8707) the authorization is bound to, or null for none.</summary>
    public string? Resource { get; init; }

    /// <summary>The browser sign-in session the authorization came from (the ID token's <c>sid</c>), or null.</summary>
    public string? SessionId { get; init; }

    public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;
}
