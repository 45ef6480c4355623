namespace Keycard.Core.Clients;

/// <summary>A registered client and, when Keycard generated it, its secret: shown once, stored only as a hash.</summary>
public sealed record RegisteredClient(Client Client, string? GeneratedSecret);
