using Microsoft.Extensions.Options;

namespace Keycard.Server.Endpoints.OAuth;

/// <summary>The issuer identifier of this server (RFC 8414 §2), and the endpoint URLs built on it.</summary>
internal static class OAuthIssuer
{
    public static string For(HttpContext context)
    {
        var configured = context.RequestServices.GetRequiredService<IOptions<StandardOAuthOptions>>().Value.Issuer;
        var issuer = string.IsNullOrEmpty(configured)
            ? context.Request.Scheme + "://" + context.Request.Host.Value + context.Request.PathBase.Value
            : configured;

        // One spelling only: clients compare the issuer as a string (RFC 8414 §3.3, RFC 9207 §2.4).
        return issuer.TrimEnd('/');
    }
}
