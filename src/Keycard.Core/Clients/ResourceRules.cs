using Keycard.Core.Errors;

namespace Keycard.Core.Clients;

/// <summary>Resource indicators (RFC 8707): their syntax, and which one an access token is for.</summary>
public static class ResourceRules
{
    public const int MaxLength = 2000;

    /// <summary>
    /// RFC 8707 §2: "an absolute URI ... MUST NOT include a fragment component"; Keycard also needs it short. Null when
    /// the value is a valid resource indicator, else what is wrong with it.
    /// </summary>
    public static string? FindProblem(string resource)
    {
        if (resource.Length is 0 or > MaxLength)
        {
            return $"must be 1-{MaxLength} characters";
        }

        if (!Uri.TryCreate(resource, UriKind.Absolute, out var uri) || uri.IsFile || resource.Any(char.IsControl) || resource.Contains(' ', StringComparison.Ordinal))
        {
            return "must be an absolute URI (RFC 8707 section 2)";
        }

        return resource.Contains('#', StringComparison.Ordinal) || uri.Fragment.Length > 0
            ? "must not include a fragment (RFC 8707 section 2)"
            : null;
    }

    /// <summary>
    /// The resource an access token is for. <paramref name="requested"/> must be one the client registered, and, when the
    /// grant is bound to a resource (<paramref name="bound"/>, named in the authorization request), that one
    /// (RFC 8707 §2.2). With none requested: the bound resource, else the client's only registered one, else none
    /// (the token's audience is then Keycard's issuer).
    /// </summary>
    public static Result<string?> Resolve(Client client, string? requested, string? bound)
    {
        if (requested is null)
        {
            return bound ?? (client.Resources.Count == 1 ? client.Resources[0] : null);
        }

        if (FindProblem(requested) is { } problem)
        {
            return ProtocolError.InvalidTarget("The resource " + problem + ".");
        }

        if (!client.Resources.Contains(requested, StringComparer.Ordinal))
        {
            return ProtocolError.InvalidTarget("The resource is not one this client registered (keycard client add --resource).");
        }

        if (bound is not null && !string.Equals(bound, requested, StringComparison.Ordinal))
        {
            return ProtocolError.InvalidTarget("The resource differs from the one the authorization was granted for.");
        }

        return requested;
    }
}
