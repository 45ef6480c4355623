namespace Keycard.Core.Tokens;

/// <summary>An introspection request (RFC 7662 §2.1), as the standard dialect received it.</summary>
public sealed record IntrospectionRequest
{
    public string? Token { get; init; }

    public string? TokenTypeHint { get; init; }

    public string? ClientId { get; init; }

    public string? ClientSecret { get; init; }

    /// <summary>The caller's network address, for throttling failed authentication per source (RFC 6749 §10.10).</summary>
    public string? SourceAddress { get; init; }
}
