using Microsoft.AspNetCore.Authentication;

namespace Keycard.AspNetCore;

/// <summary>
/// Where Keycard is and how this API proves itself to it. Introspection needs <see cref="ClientId"/> and
/// <see cref="ClientSecret"/> of a confidential client listed in Keycard's <c>Keycard:IntrospectionClients</c>;
/// the gateway's identity token needs <see cref="Audience"/>. Either or both may be configured.
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
    /// How long an introspection answer is reused; never past the token's <c>exp</c>. A revocation takes this long
    /// to reach the API, so keep it short.
    /// </summary>
    public TimeSpan IntrospectionCacheDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Refuse plain-http Keycard URLs for the JWKS; switch off only for loopback development and tests.</summary>
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

        if (string.IsNullOrEmpty(ClientId) && string.IsNullOrEmpty(Audience))
        {
            throw new InvalidOperationException("Keycard authentication: set ClientId/ClientSecret (introspection), Audience (behind the gateway), or both.");
        }

        if (IntrospectionCacheDuration < TimeSpan.Zero || IntrospectionCacheDuration > TimeSpan.FromMinutes(5))
        {
            throw new InvalidOperationException("Keycard authentication: IntrospectionCacheDuration must be between 0 and 5 minutes.");
        }
    }
}
