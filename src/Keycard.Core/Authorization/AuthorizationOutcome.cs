using Keycard.Core.Errors;

namespace Keycard.Core.Authorization;

/// <summary>
/// What a browser's authorization request leads to before any form is posted (OpenID Connect Core §3.1.2.3):
/// a code at once from a live sign-in session, an error for the client (prompt=none needing a page, a bad
/// id_token_hint), or the sign-in form (prefilled with <see cref="LoginHint"/>).
/// </summary>
public sealed record AuthorizationOutcome
{
    public AuthorizationResponse? Response { get; init; }

    /// <summary>Redirected to the client (RFC 6749 §4.1.2.1, OpenID Connect Core §3.1.2.6).</summary>
    public ProtocolError? Error { get; init; }

    public string? LoginHint { get; init; }

    public bool ShowSignIn => Response is null && Error is null;
}
