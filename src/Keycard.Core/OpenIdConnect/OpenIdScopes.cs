namespace Keycard.Core.OpenIdConnect;

/// <summary>The scopes OpenID Connect Core gives a meaning to, and the claims each releases (§5.4).</summary>
public static class OpenIdScopes
{
    /// <summary>Core §3.1.2.1: the request is an OpenID Connect request; an ID token is issued.</summary>
    public const string OpenId = "openid";

    /// <summary>Core §5.4: name, given_name, family_name, preferred_username (the ones Keycard has).</summary>
    public const string Profile = "profile";

    /// <summary>Core §5.4: email, email_verified.</summary>
    public const string Email = "email";

    public static readonly IReadOnlyList<string> All = [OpenId, Profile, Email];

    public static readonly IReadOnlyList<string> ProfileClaims = ["name", "given_name", "family_name", "preferred_username"];

    public static readonly IReadOnlyList<string> EmailClaims = ["email", "email_verified"];

    /// <summary>
    /// Every claim Keycard can put into an ID token or a UserInfo response (Discovery §3 <c>claims_supported</c>: the
    /// claims the OP "MAY be able to supply values for"). Not <c>azp</c>: an ID token's only audience is its client.
    /// </summary>
    public static readonly IReadOnlyList<string> Claims =
    [
        "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "amr", "sid",
        .. ProfileClaims, .. EmailClaims,
    ];
}
