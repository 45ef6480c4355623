using Keycard.Core.Users;

namespace Keycard.Core.Authorization;

/// <summary>
/// A granted authorization request (RFC 6749 §4.1.2): the code, the redirect URI and state it goes back with, and
/// the user who signed in (for the browser's sign-in session).
/// </summary>
/// <param name="SessionId">The sign-in session the code came from (set into the browser's cookie after a password).</param>
public sealed record AuthorizationResponse(IssuedCode Code, string RedirectUri, string? State, UserProfile User, string? SessionId = null);
