using System.Collections.Frozen;

namespace Keycard.Core.Tokens.Grants;

/// <summary>The grant_type values Keycard's token endpoint supports (RFC 6749 §4.1.3, §4.4.2, §6), one handler each.</summary>
public static class GrantTypes
{
    public const string AuthorizationCode = "authorization_code";

    public const string RefreshToken = "refresh_token";

    public const string ClientCredentials = "client_credentials";

    /// <summary>Every grant type registered by <c>AddKeycardCore</c>, each keyed to its <see cref="IGrantHandler"/>.</summary>
    public static FrozenSet<string> All { get; } = new[] { AuthorizationCode, RefreshToken, ClientCredentials }.ToFrozenSet(StringComparer.Ordinal);
}
