namespace Keycard.Core.Consent;

/// <summary>A scope as the consent page lists it: its name, and what it lets the client do when Keycard knows.</summary>
public sealed record ScopeDescription(string Scope, string? Description);
