using Microsoft.AspNetCore.WebUtilities;

namespace Keycard.Server.Endpoints.Login;

/// <summary>Adds the authorization response's parameters to the client's redirect URI.</summary>
internal static class RedirectParameters
{
    /// <summary>RFC 6749 §4.1.2: in the query; the redirect URI's own query is kept and ours added to it (§3.1.2).</summary>
    public static string InQuery(string redirectUri, params (string Name, string? Value)[] parameters) =>
        QueryHelpers.AddQueryString(redirectUri, Present(parameters).Select(p => KeyValuePair.Create(p.Name, (string?)p.Value)));

    /// <summary>The guide's <c>redirect_uri#code=…&amp;appCode=…</c>: in the fragment, where the browser keeps it from servers and logs.</summary>
    public static string InFragment(string redirectUri, params (string Name, string? Value)[] parameters) =>
        redirectUri + "#" + QueryString.Create(Present(parameters).Select(p => KeyValuePair.Create(p.Name, (string?)p.Value))).Value![1..];

    /// <summary>The parameters that have a value: an absent state (or description) is left out, not sent empty.</summary>
    public static IEnumerable<(string Name, string Value)> Present(IEnumerable<(string Name, string? Value)> parameters) =>
        parameters.Where(p => p.Value is not null).Select(p => (p.Name, p.Value!));
}
