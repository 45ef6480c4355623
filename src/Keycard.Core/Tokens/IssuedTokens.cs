namespace Keycard.Core.Tokens;

/// <summary>What a successful token request returns (RFC 6749 §5.1); each dialect writes it in its own shape.</summary>
public sealed record IssuedTokens
{
    public const string BearerType = "Bearer";

    public required string AccessToken { get; init; }

    public required TimeSpan ExpiresIn { get; init; }

    public string? RefreshToken { get; init; }

    public required string Scope { get; init; }

    /// <summary>OpenID Connect Core §3.1.3.3: the ID token, for an <c>openid</c> request on the standard dialect.</summary>
    public string? IdToken { get; init; }
}
