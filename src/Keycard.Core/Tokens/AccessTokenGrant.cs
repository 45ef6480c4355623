using Keycard.Core.Clients;

namespace Keycard.Core.Tokens;

/// <summary>What an access token (and a refresh token beside it) is issued for: one grant's outcome, before minting.</summary>
public sealed record AccessTokenGrant
{
    public required Client Client { get; init; }

    /// <summary>Null for client-credentials tokens, which act for the client itself.</summary>
    public int? UserId { get; init; }

    public required string Scope { get; init; }

    /// <summary>The scope of the refresh token, which keeps the original grant's scope when a refresh narrows the access token's (RFC 6749 §6).</summary>
    public string? RefreshScope { get; init; }

    public required string FamilyId { get; init; }

    /// <summary>The resource (RFC 8707) the access token is for: a JWT's <c>aud</c>; null for none.</summary>
    public string? Resource { get; init; }

    /// <summary>The resource the authorization itself is bound to, kept on the refresh token (RFC 8707 §2.2).</summary>
    public string? BoundResource { get; init; }

    /// <summary>When the user entered their password (the JWT's <c>auth_time</c>, RFC 9068 §2.2.1); null when unknown.</summary>
    public DateTimeOffset? AuthTime { get; init; }

    /// <summary>The browser sign-in session the authorization came from, kept on the rows so a refreshed ID token keeps its <c>sid</c>.</summary>
    public string? SessionId { get; init; }

    /// <summary>Keycard's issuer as the request reached it: a JWT's <c>iss</c>, and its <c>aud</c> when no resource is named.</summary>
    public string? Issuer { get; init; }
}
