using System.Text;
using Keycard.Core.Authorization;
using Keycard.Server.Endpoints.Login;

namespace Keycard.Server.Endpoints.OAuth;

/// <summary>
/// How <c>/oauth2/authorize</c> uses the shared sign-in form: RFC 6749 §4.1 and OAuth 2.1 rules, answers in the
/// redirect URI's query (§4.1.2), errors after the client checks redirected too (§4.1.2.1), and <c>iss</c> on every
/// answer (RFC 9207 §2). A signed-in browser gets its code without the form.
/// </summary>
internal static class OAuthLogin
{
    public static LoginDialect For(string issuer) => new()
    {
        Policy = AuthorizationPolicy.Standard,
        RedirectErrors = true,
        CompleteFromSession = true,
        BuildSuccessRedirect = (validation, code) => AppendQuery(validation.RedirectUri!,
        [
            ("code", code.Code),
            ("state", validation.Request.State),
            ("iss", issuer),
        ]),
        BuildErrorRedirect = (validation, error) => AppendQuery(validation.RedirectUri!,
        [
            ("error", error.Code),
            ("error_description", error.Description),
            ("state", validation.Request.State),
            ("iss", issuer),
        ]),
    };

    /// <summary>RFC 6749 §3.1.2: the redirect URI's own query is kept; ours is added to it.</summary>
    private static string AppendQuery(string redirectUri, (string Name, string? Value)[] parameters)
    {
        var builder = new StringBuilder(redirectUri);
        var separator = redirectUri.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        foreach (var (name, value) in parameters)
        {
            if (value is null)
            {
                continue;
            }

            builder.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return builder.ToString();
    }
}
