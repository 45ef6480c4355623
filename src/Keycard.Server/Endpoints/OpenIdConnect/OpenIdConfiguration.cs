namespace Keycard.Server.Endpoints.OpenIdConnect;

/// <summary>
/// OpenID Connect Discovery 1.0 §3: the OpenID Provider metadata, exactly what Keycard does for the Basic OP profile.
/// Members Keycard does not support (request objects, the claims parameter) are published as <c>false</c>, so a
/// relying party does not try them.
/// </summary>
public sealed record OpenIdConfiguration
{
    public required string Issuer { get; init; }

    public required string AuthorizationEndpoint { get; init; }

    public required string TokenEndpoint { get; init; }

    public required string UserinfoEndpoint { get; init; }

    public required string JwksUri { get; init; }

    /// <summary>OpenID Connect RP-Initiated Logout 1.0 §2.1.</summary>
    public required string EndSessionEndpoint { get; init; }

    public required string RevocationEndpoint { get; init; }

    public required string IntrospectionEndpoint { get; init; }

    public required string[] ScopesSupported { get; init; }

    public required string[] ResponseTypesSupported { get; init; }

    public required string[] ResponseModesSupported { get; init; }

    public required string[] GrantTypesSupported { get; init; }

    public required string[] SubjectTypesSupported { get; init; }

    public required string[] IdTokenSigningAlgValuesSupported { get; init; }

    public required string[] TokenEndpointAuthMethodsSupported { get; init; }

    public required string[] RevocationEndpointAuthMethodsSupported { get; init; }

    public required string[] IntrospectionEndpointAuthMethodsSupported { get; init; }

    public required string[] ClaimsSupported { get; init; }

    public required string[] CodeChallengeMethodsSupported { get; init; }

    /// <summary>OpenID Connect Core §3.1.2.1 prompt values this server honours (advertised as in Initiating User Registration §4).</summary>
    public required string[] PromptValuesSupported { get; init; }

    /// <summary>Discovery §3: false, so a client never sends a request object (Core §6 answers request_not_supported).</summary>
    public bool RequestParameterSupported { get; init; }

    /// <summary>Discovery §3: must be published as false when unsupported (the default is true).</summary>
    public bool RequestUriParameterSupported { get; init; }

    public bool ClaimsParameterSupported { get; init; }

    /// <summary>RFC 9207 §3: authorization responses carry <c>iss</c>.</summary>
    public bool AuthorizationResponseIssParameterSupported { get; init; } = true;
}
