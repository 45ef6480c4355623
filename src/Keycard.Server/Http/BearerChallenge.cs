using Keycard.Core.Errors;

namespace Keycard.Server.Http;

/// <summary>The <c>WWW-Authenticate: Bearer</c> challenges of RFC 6750 §3, for Keycard's realm.</summary>
internal static class BearerChallenge
{
    /// <summary>RFC 6750 §3.1: a request that carried no credentials gets a challenge without an error code.</summary>
    public const string Bare = "Bearer realm=\"keycard\"";

    /// <summary>A challenge naming the error (and the scope a 403 lacks); Keycard's descriptions hold no '"' but a quote is swapped all the same.</summary>
    public static string For(ProtocolError error, string? scope = null) =>
        $"{Bare}, error=\"{error.Code}\", error_description=\"{error.Description.Replace('"', '\'')}\"{(scope is null ? "" : $", scope=\"{scope}\"")}";
}
