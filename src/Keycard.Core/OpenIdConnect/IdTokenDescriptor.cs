namespace Keycard.Core.OpenIdConnect;

/// <summary>What one ID token asserts (OpenID Connect Core §2): who signed in, when, for which client, in which session.</summary>
public sealed record IdTokenDescriptor
{
    /// <summary>The issuer identifier, exactly as both discovery documents publish it.</summary>
    public required string Issuer { get; init; }

    /// <summary>The <c>aud</c>: the client the token was issued to.</summary>
    public required string ClientId { get; init; }

    /// <summary>The user's integer id: <c>sub</c> is its decimal string, stable for the user's lifetime (Core §8 public subject).</summary>
    public required int UserId { get; init; }

    /// <summary>When the user entered their password (Core §2 <c>auth_time</c>), kept across refreshes (§12.2).</summary>
    public required DateTimeOffset AuthTime { get; init; }

    public required DateTimeOffset IssuedAt { get; init; }

    public required TimeSpan Lifetime { get; init; }

    /// <summary>The authentication request's <c>nonce</c>; never set on a refresh (§12.2, errata: no new authentication).</summary>
    public string? Nonce { get; init; }

    /// <summary>The sign-in session's id (<c>sid</c>, OpenID Connect Front-Channel Logout §3), or null.</summary>
    public string? SessionId { get; init; }

    /// <summary>The access token issued beside the ID token, for <c>at_hash</c> (Core §3.1.3.6).</summary>
    public string? AccessToken { get; init; }
}
