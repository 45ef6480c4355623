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

    public bool IsThirdParty { get; set; }

    public List<string> PostLogoutRedirectUris { get; set; } = [];

    public string AccessTokenFormat { get; set; } = "opaque";

    public List<string> Resources { get; set; } = [];

    public string? SigningAlgorithm { get; set; }

    public long CreatedAt { get; set; }

    public long UpdatedAt { get; set; }
}
