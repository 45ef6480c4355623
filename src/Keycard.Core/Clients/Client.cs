namespace Keycard.Core.Clients;

/// <summary>A registered application (RFC 6749 §2).</summary>
public sealed record Client
{
    public required string ClientId { get; init; }

    public required string Name { get; init; }

    /// <summary>The iOFFICE <c>appCode</c> returned beside the code; defaults to the client id.</summary>
    public required string AppCode { get; init; }

    /// <summary>RFC 6749 §2.1: a confidential client can keep a secret ("web server applications" in the guide).</summary>
    public bool IsConfidential { get; init; }

    /// <summary>SHA-256 of the client secret; null for public clients.</summary>
    public byte[]? SecretHash { get; init; }

    public required IReadOnlyList<string> RedirectUris { get; init; }

    /// <summary>Browser origins allowed to call the token endpoints and the API (CORS).</summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    /// <summary>Scopes this client may request; empty means any string, as the guide allows.</summary>
    public IReadOnlyList<string> AllowedScopes { get; init; } = [];

    /// <summary>Require PKCE (RFC 7636) even though the client is confidential. Public clients always need it on the standard dialect.</summary>
    public bool RequirePkce { get; init; }

    /// <summary>Allows the iOFFICE username/password code endpoint for this client (RFC 9700 §2.4 discourages it).</summary>
    public bool AllowPasswordCodeEndpoint { get; init; } = true;

    /// <summary>RFC 6749 §4.4: the client credentials grant, for confidential clients that opt in.</summary>
    public bool AllowClientCredentials { get; init; }

    /// <summary>A third-party client: users are asked to consent to what it requests (issue 16). First-party clients are not.</summary>
    public bool IsThirdParty { get; init; }

    /// <summary>Where RP-initiated logout may send the browser back to (OpenID Connect RP-Initiated Logout 1.0 §3), matched exactly.</summary>
    public IReadOnlyList<string> PostLogoutRedirectUris { get; init; } = [];

    /// <summary>The access token format this client gets: <see cref="AccessTokenFormats.Opaque"/> (the default) or <see cref="AccessTokenFormats.Jwt"/> (RFC 9068).</summary>
    public string AccessTokenFormat { get; init; } = AccessTokenFormats.Opaque;

    /// <summary>Resource indicators (RFC 8707) this client may ask tokens for; the audience of its JWT access tokens.</summary>
    public IReadOnlyList<string> Resources { get; init; } = [];

    /// <summary>The JWS algorithm for this client's ID tokens and JWT access tokens; null means the default (RS256).</summary>
    public string? SigningAlgorithm { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
