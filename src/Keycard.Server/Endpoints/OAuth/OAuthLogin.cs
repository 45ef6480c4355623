using Keycard.Core.Authorization;
using Keycard.Server.Endpoints.Login;

namespace Keycard.Server.Endpoints.OAuth;

/// <summary>
/// How <c>/oauth2/authorize</c> uses the shared sign-in form: RFC 6749 §4.1 and OAuth 2.1 rules, answers in the
/// redirect URI's query (§4.1.2) unless the request's response_mode asks for the fragment or a form post, errors after
/// the client checks sent back the same way (§4.1.2.1), and <c>iss</c> on every answer (RFC 9207 §2). A signed-in browser gets its code without the form.
/// </summary>
internal static class OAuthLogin
{
    public static LoginDialect For(string issuer) => new()
    {
        Policy = AuthorizationPolicy.Standard,
        CompleteFromSession = true,
        Issuer = issuer,
        AnswerCode = (validation, response) => new AuthorizationAnswer(
            response.RedirectUri,
            validation.ResponseMode ?? ResponseModes.Query,
            [("code", response.Code!.Code), ("state", response.State), ("iss", issuer)]),
        AnswerError = (validation, error) => new AuthorizationAnswer(
            validation.RedirectUri!,
            validation.ResponseMode ?? ResponseModes.Query,
            [("error", error.Code), ("error_description", error.Description), ("state", validation.Request.State), ("iss", issuer)]),
    };
}
