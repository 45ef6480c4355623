using Keycard.Core.Consent;
using Keycard.Core.Users;

namespace Keycard.Core.Authorization;

/// <summary>
/// A granted authorization request (RFC 6749 §4.1.2): the code, the redirect URI and state it goes back with, and
/// the user who signed in (for the browser's sign-in session). When <see cref="Consent"/> is set no code was issued
/// yet: the user must first answer the consent page for a third-party client.
/// </summary>
/// <param name="SessionId">The sign-in session the code came from (set into the browser's cookie after a password).</param>
public sealed record AuthorizationResponse(IssuedCode? Code, string RedirectUri, string? State, UserProfile User, string? SessionId = null)
{
    /// <summary>What the consent page must ask the user; null when the code was issued.</summary>
    public ConsentRequest? Consent { get; init; }
}
