namespace Keycard.Server.Endpoints.OAuth;

/// <summary>RFC 8414 §2 metadata: exactly what this server does, nothing it does not.</summary>
public sealed record AuthorizationServerMetadata
{
    public required string Issuer { get; init; }

    public required string AuthorizationEndpoint { get; init; }

    public required string TokenEndpoint { get; init; }

    public required string RevocationEndpoint { get; init; }

    public required string IntrospectionEndpoint { get; init; }

    /// <summary>RFC 8414 §2: the JWK Set (RFC 7517) of the keys Keycard signs with.</summary>
    public required string JwksUri { get; init; }

    /// <summary>OpenID Connect Core §5.3, registered for RFC 8414 metadata by Discovery 1.0.</summary>
    public required string UserinfoEndpoint { get; init; }

    /// <summary>OpenID Connect RP-Initiated Logout 1.0 §2.1.</summary>
    public required string EndSessionEndpoint { get; init; }

    public required string[] ScopesSupported { get; init; }

    public required string[] ResponseTypesSupported { get; init; }

    public required string[] ResponseModesSupported { get; init; }

    public required string[] GrantTypesSupported { get; init; }

    public required string[] CodeChallengeMethodsSupported { get; init; }

    public required string[] TokenEndpointAuthMethodsSupported { get; init; }

    public required string[] RevocationEndpointAuthMethodsSupported { get; init; }

    public required string[] IntrospectionEndpointAuthMethodsSupported { get; init; }

    /// <summary>RFC 9207 §3: authorization responses carry <c>iss</c>.</summary>
    public bool AuthorizationResponseIssParameterSupported { get; init; } = true;
}
