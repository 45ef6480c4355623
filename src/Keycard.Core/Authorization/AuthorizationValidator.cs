using Keycard.Core.Clients;
using Keycard.Core.Errors;
using Keycard.Core.Scopes;
using Keycard.Core.Security;
using Keycard.Core.Storage;

namespace Keycard.Core.Authorization;

/// <summary>Validates an authorization request (RFC 6749 §4.1.1 and §4.1.2.1, RFC 7636 §4.4.1).</summary>
public sealed class AuthorizationValidator(IClientStore clients)
{
    public const int MaxStateLength = 2000;

    public async Task<AuthorizationValidation> ValidateAsync(
        AuthorizationRequest request, AuthorizationPolicy policy, CancellationToken cancellationToken)
    {
        // RFC 6749 §4.1.2.1: problems with client_id or redirect_uri are shown to the user, never redirected.
        if (string.IsNullOrEmpty(request.ClientId))
        {
            return Unredirectable(request, "client_id", "The client_id parameter is missing.");
        }

        if (request.ClientId.Length > ClientAuthenticator.MaxClientIdLength)
        {
            return Unredirectable(request, "client_id", "The client_id parameter is too long.");
        }

        var client = await clients.FindAsync(request.ClientId, cancellationToken);
        if (client is null)
        {
            return Unredirectable(request, "client_id", "The client_id does not name a registered application.");
        }

        string redirectUri;
        if (string.IsNullOrEmpty(request.RedirectUri))
        {
            // RFC 6749 §3.1.2.3: may be omitted only when exactly one is registered.
            if (policy.RequireRedirectUri || client.RedirectUris.Count != 1)
            {
                return Unredirectable(request, "redirect_uri", "The redirect_uri parameter is missing.", client);
            }

            redirectUri = client.RedirectUris[0];
        }
        else if (!RedirectUriRules.IsRegistered(client, request.RedirectUri))
        {
            // RFC 9700 §4.1.3: exact string match against the registered URIs.
            return Unredirectable(request, "redirect_uri", "The redirect_uri is not one this application registered.", client);
        }
        else
        {
            redirectUri = request.RedirectUri;
        }

        var valid = new AuthorizationValidation
        {
            Client = client,
            RedirectUri = redirectUri,
            RedirectUriWasRequested = !string.IsNullOrEmpty(request.RedirectUri),
            Request = request,
            CanRedirect = true,
        };

        if (request.State is { Length: > MaxStateLength })
        {
            return valid with { Error = ProtocolError.InvalidRequest("The state parameter is too long."), Parameter = "state", CanRedirect = false };
        }

        if (string.IsNullOrEmpty(request.ResponseType))
        {
            return valid with { Error = ProtocolError.InvalidRequest("The response_type parameter is missing."), Parameter = "response_type" };
        }

        if (!string.Equals(request.ResponseType, "code", StringComparison.Ordinal))
        {
            return valid with
            {
                Error = new ProtocolError(OAuthErrorCodes.UnsupportedResponseType, "Only response_type=code is supported."),
                Parameter = "response_type",
            };
        }

        if (string.IsNullOrEmpty(request.Scope) && policy.RequireScope)
        {
            return valid with { Error = ProtocolError.InvalidRequest("The scope parameter is missing."), Parameter = "scope" };
        }

        if (ScopeRules.Validate(client, request.Scope) is { } scopeError)
        {
            return valid with { Error = scopeError, Parameter = "scope" };
        }

        if (string.IsNullOrEmpty(request.State) && policy.RequireState)
        {
            return valid with { Error = ProtocolError.InvalidRequest("The state parameter is missing."), Parameter = "state" };
        }

        return ValidatePkce(valid, client, policy);
    }

    private static AuthorizationValidation ValidatePkce(AuthorizationValidation valid, Client client, AuthorizationPolicy policy)
    {
        var request = valid.Request;
        if (string.IsNullOrEmpty(request.CodeChallenge))
        {
            if (!string.IsNullOrEmpty(request.CodeChallengeMethod))
            {
                return valid with { Error = ProtocolError.InvalidRequest("code_challenge_method was sent without code_challenge."), Parameter = "code_challenge" };
            }

            // RFC 9700 §2.1.1 and OAuth 2.1: public clients must use PKCE; confidential ones when registered so.
            var required = client.RequirePkce || (policy.RequirePkceForPublicClients && !client.IsConfidential);
            return required
                ? valid with { Error = ProtocolError.InvalidRequest("PKCE is required: send code_challenge with code_challenge_method=S256."), Parameter = "code_challenge" }
                : valid;
        }

        // RFC 7636 §4.3: the method defaults to "plain", which Keycard refuses (RFC 9700 §2.1.1).
        if (!string.Equals(request.CodeChallengeMethod, Pkce.S256, StringComparison.Ordinal))
        {
            return valid with { Error = ProtocolError.InvalidRequest("Only code_challenge_method=S256 is supported."), Parameter = "code_challenge_method" };
        }

        if (!Pkce.IsValidChallenge(request.CodeChallenge))
        {
            return valid with { Error = ProtocolError.InvalidRequest("The code_challenge must be 43 base64url characters (RFC 7636 §4.2)."), Parameter = "code_challenge" };
        }

        return valid;
    }

    private static AuthorizationValidation Unredirectable(AuthorizationRequest request, string parameter, string description, Client? client = null) => new()
    {
        Client = client,
        Request = request,
        Error = ProtocolError.InvalidRequest(description),
        Parameter = parameter,
        CanRedirect = false,
    };
}
