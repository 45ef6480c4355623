namespace Keycard.Server.Endpoints.OAuth;

/// <summary>RFC 6749 §5.2 error body: <c>{"error":"…","error_description":"…"}</c>.</summary>
public sealed record OAuthError(string Error, string ErrorDescription);
