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
}
