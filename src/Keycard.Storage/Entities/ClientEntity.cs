namespace Keycard.Storage.Entities;

public sealed class ClientEntity
{
    public required string ClientId { get; set; }

    public required string Name { get; set; }

    public required string AppCode { get; set; }

    public bool IsConfidential { get; set; }

    public byte[]? SecretHash { get; set; }

    public List<string> RedirectUris { get; set; } = [];

    public List<string> AllowedOrigins { get; set; } = [];

    public List<string> AllowedScopes { get; set; } = [];

    public bool RequirePkce { get; set; }

    public bool AllowPasswordCodeEndpoint { get; set; } = true;

    public bool AllowClientCredentials { get; set; }

    public long CreatedAt { get; set; }

    public long UpdatedAt { get; set; }
}
