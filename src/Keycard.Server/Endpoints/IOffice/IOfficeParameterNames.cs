using System.Collections.Frozen;
using System.Text.RegularExpressions;
using Keycard.Core.Errors;

namespace Keycard.Server.Endpoints.IOffice;

/// <summary>
/// The header each RFC 6749 parameter travels in on this dialect (the guide's <c>x-</c> names, and Keycard's for PKCE,
/// as <see cref="IOfficeEndpoints"/> reads them). The core's descriptions name the RFC parameter; an iOFFICE client sent
/// the header, so its error names the header.
/// </summary>
internal static class IOfficeParameterNames
{
    private static readonly FrozenDictionary<string, string> HeaderOf = new Dictionary<string, string>
    {
        ["grant_type"] = "x-grant-type",
        ["client_id"] = "x-client-id",
        ["client_secret"] = "x-client-secret",
        ["redirect_uri"] = "x-redirect-uri",
        ["refresh_token"] = "x-refresh-token",
        ["code_verifier"] = "x-code-verifier",
        ["code_challenge"] = "x-code-challenge",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The error's description with the parameter it is about (<see cref="ProtocolError.Parameter"/>) named as its header.</summary>
    public static string Describe(ProtocolError error) =>
        error.Parameter is { } parameter && HeaderOf.TryGetValue(parameter, out var header)
            ? ReplaceWord(error.Description, parameter, header)
            : error.Description;

    /// <summary>
    /// Every whole-word occurrence: "code_challenge" is not replaced inside "code_challenge_method". ECMAScript's <c>\w</c>
    /// is ASCII letters, digits and '_', the characters of a parameter's name.
    /// </summary>
    private static string ReplaceWord(string text, string word, string replacement) =>
        Regex.Replace(text, $@"\b{Regex.Escape(word)}\b", replacement, RegexOptions.ECMAScript);
}
