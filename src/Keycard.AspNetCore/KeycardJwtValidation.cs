namespace Keycard.AspNetCore;

/// <summary>How <see cref="KeycardAuthenticationHandler"/> checks a JWT access token (RFC 9068); opaque tokens are always introspected.</summary>
public enum KeycardJwtValidation
{
    /// <summary>
    /// Validated here against Keycard's published keys (signature, <c>typ</c> <c>at+jwt</c>, <c>iss</c>, <c>aud</c> =
    /// <see cref="KeycardAuthenticationOptions.Resource"/>, <c>exp</c>), without asking Keycard. A revoked JWT is accepted
    /// until it expires (RFC 9068 §5 trade-off). Needs <see cref="KeycardAuthenticationOptions.Resource"/>; without it
    /// a JWT has no audience this API could check, and is introspected.
    /// </summary>
    Local,

    /// <summary>Introspected at Keycard like an opaque token (RFC 7662): a revocation reaches the API within the introspection cache duration.</summary>
    Introspection,
}
