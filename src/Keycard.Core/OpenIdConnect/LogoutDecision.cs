using Keycard.Core.Authorization;
using Keycard.Core.Errors;

namespace Keycard.Core.OpenIdConnect;

/// <summary>
/// What a logout request leads to. An <see cref="Error"/> is shown on a page, never redirected (RP-Initiated Logout
/// §3: an unregistered post_logout_redirect_uri must not be used). Otherwise the session ends, after the user
/// confirms when <see cref="NeedsConfirmation"/> (§2: no valid id_token_hint for the signed-in user).
/// </summary>
public sealed record LogoutDecision
{
    public ProtocolError? Error { get; init; }

    /// <summary>The registered URI to send the browser back to (with <see cref="State"/>), or null for the signed-out page.</summary>
    public string? RedirectUri { get; init; }

    public string? State { get; init; }

    /// <summary>The client's name, for the pages.</summary>
    public string? ClientName { get; init; }

    /// <summary>The session the browser is signed in to, if any; it is what ends.</summary>
    public SignInSessionRecord? Session { get; init; }

    public bool NeedsConfirmation { get; init; }
}
