using System.Collections.Frozen;

namespace Keycard.Core.Consent;

/// <summary>
/// Human descriptions of the scopes Keycard knows (OpenID Connect Core §5.4 and the ones the iOFFICE API uses). Any
/// other scope is listed by its name alone: the guide lets a client request any string, and a name the user can
/// read is better than hiding that it was asked for.
/// </summary>
public static class ScopeDescriptions
{
    private static readonly FrozenDictionary<string, string> Known = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["openid"] = "Sign you in and know who you are",
        ["profile"] = "See your name and user name",
        ["email"] = "See your email address",
        ["offline_access"] = "Stay connected while you are away (a refresh token)",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static ScopeDescription Describe(string scope) => new(scope, Known.GetValueOrDefault(scope));

    public static IReadOnlyList<ScopeDescription> Describe(IEnumerable<string> scopes) => [.. scopes.Select(Describe)];
}
