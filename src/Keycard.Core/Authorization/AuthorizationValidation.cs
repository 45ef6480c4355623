using Keycard.Core.Clients;
using Keycard.Core.Errors;

namespace Keycard.Core.Authorization;

/// <summary>
/// The outcome of validating an authorization request. When <see cref="CanRedirect"/> is false the client or the
/// redirect URI could not be trusted, so the error must be shown to the user and never sent to the redirect URI
/// (RFC 6749 §4.1.2.1).
/// </summary>
public sealed record AuthorizationValidation
{
    public Client? Client { get; init; }

    /// <summary>The redirect URI to send the answer to: the one requested, or the single registered one.</summary>
    public string? RedirectUri { get; init; }

    /// <summary>True when the request named its redirect URI, which binds the code to it (RFC 6749 §4.1.3).</summary>
    public bool RedirectUriWasRequested { get; init; }

    public AuthorizationRequest Request { get; init; } = new();

    /// <summary>
    /// The response mode every answer to this request uses (<see cref="ResponseModes"/>): the requested one once it is
    /// known to be supported; null for the dialect's default (also when the requested one was refused).
    /// </summary>
    public string? ResponseMode { get; init; }

    public ProtocolError? Error { get; init; }

    /// <summary>The parameter that was wrong, for the error page.</summary>
    public string? Parameter { get; init; }

    public bool CanRedirect { get; init; }

    /// <summary>OpenID Connect Core §3.1.2.1: the prompt values asked for (empty when none), for the sign-in and consent steps.</summary>
    public IReadOnlyList<string> Prompts { get; init; } = [];

    /// <summary>OpenID Connect Core §3.1.2.1 max_age, or null when not sent.</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>True when the request asked that no page be shown (prompt=none, Core §3.1.2.1).</summary>
    public bool PromptNone => Prompts.Contains(OpenIdConnect.PromptValues.None, StringComparer.Ordinal);

    public bool IsValid => Error is null;
}
