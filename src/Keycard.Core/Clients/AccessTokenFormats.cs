namespace Keycard.Core.Clients;

/// <summary>The access token formats a client can be registered with.</summary>
public static class AccessTokenFormats
{
    /// <summary>A random opaque string, looked up in the database: revocation takes effect at once.</summary>
    public const string Opaque = "opaque";

    /// <summary>A signed JWT (RFC 9068) resource servers validate offline, valid until it expires.</summary>
    public const string Jwt = "jwt";

    public static readonly IReadOnlyList<string> All = [Opaque, Jwt];
}
