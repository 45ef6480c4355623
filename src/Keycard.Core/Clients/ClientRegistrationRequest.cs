namespace Keycard.Core.Clients;

/// <summary>What an administrator asks to register (the CLI today, an admin API later), before any rule is applied.</summary>
public sealed record ClientRegistrationRequest
{
    public required string ClientId { get; init; }

    /// <summary>Shown on the login page; defaults to the client id.</summary>
    public string? Name { get; init; }

    /// <summary>The iOFFICE appCode; defaults to the client id.</summary>
    public string? AppCode { get; init; }

    public bool IsConfidential { get; init; }

    public IReadOnlyList<string> RedirectUris { get; init; } = [];

    /// <summary>OpenID Connect RP-Initiated Logout 1.0 §3: where logout may return the browser, validated like redirect URIs.</summary>
    public IReadOnlyList<string> PostLogoutRedirectUris { get; init; } = [];

    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    /// <summary>Empty: any scope, as the guide allows.</summary>
    public IReadOnlyList<string> AllowedScopes { get; init; } = [];

    public bool RequirePkce { get; init; }

    public bool AllowPasswordCodeEndpoint { get; init; } = true;

    public bool AllowClientCredentials { get; init; }

    /// <summary>True when the secret is imported (<see cref="ImportedSecret"/>) instead of generated.</summary>
    public bool ImportsSecret { get; init; }

    public string? ImportedSecret { get; init; }
}
