using Keycard.Core.Errors;

namespace Keycard.Core.Authorization;

/// <summary>The parameters of an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3), as either dialect received them.</summary>
public sealed record AuthorizationRequest
{
    public string? ResponseType { get; init; }

    public string? ClientId { get; init; }

    public string? RedirectUri { get; init; }

    public string? Scope { get; init; }

    public string? State { get; init; }

    public string? CodeChallenge { get; init; }

    public string? CodeChallengeMethod { get; init; }

    /// <summary>OpenID Connect Core §3.1.2.1: echoed in the ID token, binding it to the client's session.</summary>
    public string? Nonce { get; init; }

    /// <summary>
    /// A parameter other than client_id and redirect_uri the dialect could not read (sent twice, too long, a control
    /// character). It is reported like any other invalid request: to the client once the client and its redirect URI
    /// are known good (RFC 6749 §4.1.2.1), so an input limit never turns a redirectable error into an error page.
    /// </summary>
    public ProtocolError? UnreadableParameter { get; init; }
}
