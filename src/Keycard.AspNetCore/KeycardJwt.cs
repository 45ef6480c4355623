using Microsoft.IdentityModel.JsonWebTokens;

namespace Keycard.AspNetCore;

/// <summary>Tells a JWT (a compact JWS, RFC 7515 §7.1) from Keycard's opaque tokens, which have no dots.</summary>
internal static class KeycardJwt
{
    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>The parsed token when <paramref name="token"/> is a well-formed JWT, else null (nothing here is validated yet).</summary>
    public static JsonWebToken? TryRead(string token)
    {
        if (!Handler.CanReadToken(token))
        {
            return null;
        }

        try
        {
            return new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
