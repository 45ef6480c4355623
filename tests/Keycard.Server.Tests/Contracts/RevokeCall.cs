namespace Keycard.Server.Tests.Contracts;

/// <summary>A revocation request's parameters, whatever the dialect calls them.</summary>
public sealed record RevokeCall(string? Token, string? ClientId, string? ClientSecret = null);
