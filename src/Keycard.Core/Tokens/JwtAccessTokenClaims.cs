using System.Text.Json;
using Keycard.Core.Signing;

namespace Keycard.Core.Tokens;

/// <summary>
/// The claims of a JWT access token (RFC 9068 §2.2), written straight into the payload JSON in this order: iss, sub,
/// aud, client_id, jti, iat, exp, then scope when the token has one and auth_time when it is known. A struct, signed
/// through <see cref="JwtSigner"/>'s generic path: no dictionary, no boxed numbers.
/// </summary>
internal readonly record struct JwtAccessTokenClaims(
    string Issuer,
    string Subject,
    string Audience,
    string ClientId,
    string JwtId,
    long IssuedAt,
    long ExpiresAt,
    string Scope,
    long? AuthTime) : IJwtClaims
{
    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteString("iss"u8, Issuer);
        writer.WriteString("sub"u8, Subject);
        writer.WriteString("aud"u8, Audience);
        writer.WriteString("client_id"u8, ClientId);
        writer.WriteString("jti"u8, JwtId);
        writer.WriteNumber("iat"u8, IssuedAt);
        writer.WriteNumber("exp"u8, ExpiresAt);
        if (Scope.Length > 0)
        {
            writer.WriteString("scope"u8, Scope);
        }

        if (AuthTime is { } authTime)
        {
            writer.WriteNumber("auth_time"u8, authTime);
        }
    }

    public IReadOnlyDictionary<string, object> ToDictionary()
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["iss"] = Issuer,
            ["sub"] = Subject,
            ["aud"] = Audience,
            ["client_id"] = ClientId,
            ["jti"] = JwtId,
            ["iat"] = IssuedAt,
            ["exp"] = ExpiresAt,
        };
        if (Scope.Length > 0)
        {
            claims["scope"] = Scope;
        }

        if (AuthTime is { } authTime)
        {
            claims["auth_time"] = authTime;
        }

        return claims;
    }
}
