using Keycard.Core.Authorization;
using Keycard.Core.Clients;
using Keycard.Core.Scopes;
using Keycard.Core.Security;
using Keycard.Server.Http;

namespace Keycard.Server.Endpoints.Login;

/// <summary>Reads an authorization request's parameters from the query string (RFC 6749 §4.1.1), with the shared input rules.</summary>
internal static class AuthorizationRequestReader
{
    /// <summary>The request, or the error page's reason when client_id or redirect_uri cannot be read.</summary>
    public static (AuthorizationRequest Request, Core.Errors.ProtocolError? Unredirectable) Read(HttpRequest http)
    {
        // client_id and redirect_uri decide whether an error may be redirected, so an unreadable one is shown on the
        // page; any other unreadable parameter is the core's to report to the client (RFC 6749 §4.1.2.1).
        var trusted = new ParameterReader();
        var clientId = trusted.Query(http, "client_id", ClientAuthenticator.MaxClientIdLength);
        var redirectUri = trusted.Query(http, "redirect_uri", RedirectUriRules.MaxLength);
        if (trusted.Error is { } untrusted)
        {
            return (new AuthorizationRequest(), untrusted);
        }

        var reader = new ParameterReader();
        var request = new AuthorizationRequest
        {
            ClientId = clientId,
            RedirectUri = redirectUri,
            ResponseType = reader.Query(http, "response_type", 100),
            Scope = reader.Query(http, "scope", ScopeRules.MaxLength),
            State = reader.Query(http, "state", AuthorizationValidator.MaxStateLength),
            CodeChallenge = reader.Query(http, "code_challenge", SecureToken.MaxPresentedLength),
            CodeChallengeMethod = reader.Query(http, "code_challenge_method", 20),
            Resource = reader.Query(http, "resource", ResourceRules.MaxLength),
            ResponseMode = reader.Query(http, "response_mode", 20),
            Nonce = reader.Query(http, "nonce", AuthorizationValidator.MaxNonceLength),
            Prompt = reader.Query(http, "prompt", 100),
            MaxAge = reader.Query(http, "max_age", 20),
            LoginHint = reader.Query(http, "login_hint", Core.Users.PasswordSignIn.MaxUserNameLength),
            IdTokenHint = reader.Query(http, "id_token_hint", Core.OpenIdConnect.IdTokenHintReader.MaxLength),

            // Core §6 and §7.2.1: only their presence matters; display, ui_locales, claims_locales and acr_values are ignored.
            HasRequestObject = http.Query.ContainsKey("request"),
            HasRequestUri = http.Query.ContainsKey("request_uri"),
            HasRegistration = http.Query.ContainsKey("registration"),
        };
        return (request with { UnreadableParameter = reader.Error }, null);
    }
}
