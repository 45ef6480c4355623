namespace Keycard.Core.Tokens;

/// <summary>A token request (RFC 6749 §4.1.3, §4.4.2, §6), as either dialect received it.</summary>
public sealed record TokenRequest
{
    public string? GrantType { get; init; }

    public string? ClientId { get; init; }

    public string? ClientSecret { get; init; }

    public string? Code { get; init; }

    public string? RedirectUri { get; init; }

    public string? CodeVerifier { get; init; }

    public string? RefreshToken { get; init; }

    public string? Scope { get; init; }

    /// <summary>
    /// The issuer identifier of the dialect that received the request; set by the standard dialect only, which is the
    /// one that answers an <c>openid</c> scope with an ID token (OpenID Connect Core §3.1.3.3).
    /// </summary>
    public string? Issuer { get; init; }

    /// <summary>The caller's network address, for throttling failed authentication per source (RFC 6749 §10.10).</summary>
    public string? SourceAddress { get; init; }
}
