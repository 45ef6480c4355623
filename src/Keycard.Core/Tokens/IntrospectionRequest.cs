namespace Keycard.Core.Tokens;

/// <summary>An introspection request (RFC 7662 §2.1), as the standard dialect received it.</summary>
public sealed record IntrospectionRequest
{
    public string? Token { get; init; }

    public string? TokenTypeHint { get; init; }

    public string? ClientId { get; init; }

    public string? ClientSecret { get; init; }
}
