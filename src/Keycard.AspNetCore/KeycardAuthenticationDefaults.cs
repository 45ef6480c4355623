namespace Keycard.AspNetCore;

/// <summary>Names the Keycard authentication scheme and the claims it puts on the caller.</summary>
public static class KeycardAuthenticationDefaults
{
    public const string AuthenticationScheme = "Keycard";

    /// <summary>The user id, or the client id for a client-credentials token (RFC 9068 §2.2's convention).</summary>
    public const string SubjectClaim = "sub";

    public const string ClientIdClaim = "client_id";

    /// <summary>Space-separated scopes (RFC 8693 §4.2).</summary>
    public const string ScopeClaim = "scope";

    /// <summary>The JWS <c>typ</c> of the identity token Keycard's gateway sends its upstreams.</summary>
    public const string UpstreamTokenType = "keycard-upstream+jwt";
}
