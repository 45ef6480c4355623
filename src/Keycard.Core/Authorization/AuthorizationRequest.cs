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

    /// <summary>The resource indicator (RFC 8707 §2) the authorization is for; binds the code and its tokens to it.</summary>
    public string? Resource { get; init; }

    /// <summary>How the answer reaches the client (<see cref="ResponseModes"/>); null: the dialect's default.</summary>
    public string? ResponseMode { get; init; }

    /// <summary>OpenID Connect Core §3.1.2.1: echoed in the ID token, binding it to the client's session.</summary>
    public string? Nonce { get; init; }

    /// <summary>OpenID Connect Core §3.1.2.1: space-separated none, login, consent, select_account.</summary>
    public string? Prompt { get; init; }

    /// <summary>OpenID Connect Core §3.1.2.1: seconds since the last password entry the client accepts, as sent.</summary>
    public string? MaxAge { get; init; }

    /// <summary>OpenID Connect Core §3.1.2.1: prefills the user name on the form.</summary>
    public string? LoginHint { get; init; }

    /// <summary>OpenID Connect Core §3.1.2.1: an ID token Keycard issued, naming the user the client expects.</summary>
    public string? IdTokenHint { get; init; }

    /// <summary>OpenID Connect Core §6: request objects, which Keycard does not support (request_not_supported).</summary>
    public bool HasRequestObject { get; init; }

    /// <summary>OpenID Connect Core §6.2: request_uri, not supported (request_uri_not_supported).</summary>
    public bool HasRequestUri { get; init; }

    /// <summary>OpenID Connect Core §7.2.1: the registration parameter, not supported (registration_not_supported).</summary>
    public bool HasRegistration { get; init; }

    /// <summary>
    /// A parameter other than client_id and redirect_uri the dialect could not read (sent twice, too long, a control
    /// character). It is reported like any other invalid request: to the client once the client and its redirect URI
    /// are known good (RFC 6749 §4.1.2.1), so an input limit never turns a redirectable error into an error page.
    /// </summary>
    public ProtocolError? UnreadableParameter { get; init; }
}
