using Microsoft.AspNetCore.Authentication;

namespace Keycard.AspNetCore;

/// <summary>
/// Where Keycard is and how this API proves itself to it. Introspection needs <see cref="ClientId"/> and
/// <see cref="ClientSecret"/> of a confidential client listed in Keycard's <c>Keycard:IntrospectionClients</c>;
/// JWT access tokens validated here need <see cref="Resource"/>; the gateway's identity token needs
/// <see cref="Audience"/>. Any combination may be configured.
/// </summary>
public sealed class KeycardAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>Keycard's base URL (its issuer), e.g. <c>https://auth.example.com</c>.</summary>
    public string Authority { get; set; } = "";

    /// <summary>This API's confidential client at Keycard, for introspection (RFC 7662 §2.1).</summary>
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>
    /// Behind Keycard's gateway: the route name (or the route's configured <c>Audience</c>) this API is. Requests
    /// carrying the gateway's identity JWT for that audience are accepted after checking it against Keycard's JWKS.
    /// </summary>
    public string? Audience { get; set; }

    /// <summary>
    /// The resource indicator (RFC 8707) this API is registered under at Keycard (<c>keycard client add ... --resource
    /// https://api.example.com/</c>): the <c>aud</c> a JWT access token meant for this API carries (RFC 9068 §4).
    /// </summary>
    public string? Resource { get; set; }

    /// <summary>
    /// How a JWT access token is checked: <see cref="KeycardJwtValidation.Local"/> (the default; needs
    /// <see cref="Resource"/>) or <see cref="KeycardJwtValidation.Introspection"/> (sees revocations).
    /// </summary>
    public KeycardJwtValidation JwtValidation { get; set; } = KeycardJwtValidation.Local;

    /// <summary>How far past its <c>exp</c> a JWT (access token or gateway identity token) is still accepted, for clocks that disagree a little.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an introspection answer is reused; never past the token's <c>exp</c>. A revocation takes this long
    /// to reach the API, so keep it short.
    /// </summary>
    public TimeSpan IntrospectionCacheDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Refuse plain-http Keycard URLs for the metadata and JWKS; switch off only for loopback development and tests.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public override void Validate()
    {
        base.Validate();
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
        {
            throw new InvalidOperationException("Keycard authentication: Authority must be Keycard's absolute http(s) base URL.");
        }

        if (string.IsNullOrEmpty(ClientId) != string.IsNullOrEmpty(ClientSecret))
        {
            throw new InvalidOperationException("Keycard authentication: set ClientId and ClientSecret together (introspection), or neither.");
        }

        if (string.IsNullOrEmpty(ClientId) && string.IsNullOrEmpty(Audience) && string.IsNullOrEmpty(Resource))
        {
            throw new InvalidOperationException("Keycard authentication: set ClientId/ClientSecret (introspection), Resource (JWT access tokens), Audience (behind the gateway), or several.");
        }

        if (JwtValidation == KeycardJwtValidation.Introspection && string.IsNullOrEmpty(ClientId))
        {
            throw new InvalidOperationException("Keycard authentication: JwtValidation Introspection needs ClientId and ClientSecret.");
        }

        if (ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromMinutes(5))
        {
            throw new InvalidOperationException("Keycard authentication: ClockSkew must be between 0 and 5 minutes.");
        }

        if (IntrospectionCacheDuration < TimeSpan.Zero || IntrospectionCacheDuration > TimeSpan.FromMinutes(5))
        {
            throw new InvalidOperationException("Keycard authentication: IntrospectionCacheDuration must be between 0 and 5 minutes.");
        }
    }
}
