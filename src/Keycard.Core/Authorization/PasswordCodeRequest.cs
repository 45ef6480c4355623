namespace Keycard.Core.Authorization;

/// <summary>The iOFFICE "alternate authorization code request": a code straight from a username and password.</summary>
public sealed record PasswordCodeRequest
{
    public string? UserName { get; init; }

    public string? Password { get; init; }

    public string? ClientId { get; init; }

    public string? ClientSecret { get; init; }

    public string? RedirectUri { get; init; }

    public string? Scope { get; init; }

    public string? CodeChallenge { get; init; }

    /// <summary>The caller's network address, for throttling failed authentication per source (RFC 6749 §10.10).</summary>
    public string? SourceAddress { get; init; }
}
