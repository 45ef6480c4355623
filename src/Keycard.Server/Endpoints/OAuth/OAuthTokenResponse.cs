namespace Keycard.Server.Endpoints.OAuth;

/// <summary>
/// RFC 6749 §5.1 token response. <c>expires_in</c> is in seconds, unlike the iOFFICE dialect's milliseconds;
/// <c>id_token</c> answers an <c>openid</c> request (OpenID Connect Core §3.1.3.3).
/// </summary>
public sealed record OAuthTokenResponse(string AccessToken, string TokenType, long ExpiresIn, string? RefreshToken, string? Scope, string? IdToken = null);
