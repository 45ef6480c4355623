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
        CompleteFromSession = true,
        Issuer = issuer,
        BuildSuccessRedirect = (_, response) => RedirectParameters.InQuery(
            response.RedirectUri,
            ("code", response.Code.Code),
            ("state", response.State),
            ("iss", issuer)),
        BuildErrorRedirect = (validation, error) => RedirectParameters.InQuery(
            validation.RedirectUri!,
            ("error", error.Code),
            ("error_description", error.Description),
            ("state", validation.Request.State),
            ("iss", issuer)),
    };
}
