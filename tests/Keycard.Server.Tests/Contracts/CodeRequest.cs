namespace Keycard.Server.Tests.Contracts;

/// <summary>An authorization for alice: the client, its secret if confidential, the scope, and an S256 challenge or none.</summary>
public sealed record CodeRequest(string ClientId, string? ClientSecret = null, string Scope = "email", string? Challenge = null);
