namespace Keycard.Server.Endpoints.OAuth;

/// <summary>RFC 7662 §2.2 introspection response. Inactive tokens carry <c>active</c> alone; times are epoch seconds.</summary>
public sealed record IntrospectionResponse
{
    public static readonly IntrospectionResponse Inactive = new() { Active = false };

    public required bool Active { get; init; }

    public string? Scope { get; init; }

    public string? ClientId { get; init; }

    public string? Username { get; init; }

    /// <summary>"Bearer" for access tokens (RFC 6749 §7.1); "refresh_token" (the RFC 7009 §4.1.2 hint name) for refresh tokens.</summary>
    public string? TokenType { get; init; }

    public long? Exp { get; init; }

    public long? Iat { get; init; }

    public string? Sub { get; init; }

    public string? Iss { get; init; }

    /// <summary>
    /// RFC 7662 §2.2 <c>aud</c>, for access tokens: the resource the token is bound to (RFC 8707), or Keycard itself when
    /// none was named, the same audience a JWT access token carries (RFC 9068 §3), so a resource server can check it.
    /// </summary>
    public string? Aud { get; init; }

    /// <summary>
    /// A Keycard extension member (RFC 7662 §2.2 allows them): <c>expired</c> for an inactive token that merely
    /// expired, so a resource server answers 403 (refresh) instead of 401. Only ever sent to an authenticated
    /// confidential client that may see the token; never for revoked, rotated or unknown tokens.
    /// </summary>
    public string? KeycardInactiveReason { get; init; }
}
