using Keycard.Core.Clients;
using Keycard.Core.Errors;

namespace Keycard.Core.Scopes;

/// <summary>Scope syntax and policy (RFC 6749 §3.3).</summary>
public static class ScopeRules
{
    public const int MaxLength = 1000;

    /// <summary>
    /// Validates a requested scope for a client. The guide accepts any string; a client registered with scopes may
    /// only request those (RFC 6749 §3.3: the server MAY fully or partially ignore, here it refuses with invalid_scope).
    /// </summary>
    public static ProtocolError? Validate(Client client, string? scope)
    {
        if (scope is null)
        {
            return null;
        }

        if (scope.Length > MaxLength)
        {
            return ProtocolError.InvalidScope($"The scope is longer than {MaxLength} characters.");
        }

        foreach (var c in scope)
        {
            // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by spaces.
            if (c != ' ' && (c < 0x21 || c == '"' || c == '\\' || c > 0x7E))
            {
                return ProtocolError.InvalidScope("The scope contains a character RFC 6749 section 3.3 does not allow.");
            }
        }

        if (client.AllowedScopes.Count == 0)
        {
            return null;
        }

        foreach (var token in Split(scope))
        {
            if (!client.AllowedScopes.Contains(token, StringComparer.Ordinal))
            {
                return ProtocolError.InvalidScope($"The client may not request the scope '{token}'.");
            }
        }

        return null;
    }

    public static string[] Split(string? scope) =>
        string.IsNullOrEmpty(scope) ? [] : scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>True when every scope token of <paramref name="requested"/> is in <paramref name="granted"/> (RFC 6749 §6: never widen).</summary>
    public static bool IsSubset(string? requested, string? granted)
    {
        var grantedTokens = Split(granted);
        return Split(requested).All(t => grantedTokens.Contains(t, StringComparer.Ordinal));
    }
}
