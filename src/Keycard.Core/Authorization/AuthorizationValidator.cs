using Keycard.Core.Clients;
using Keycard.Core.Errors;
using Keycard.Core.OpenIdConnect;
using Keycard.Core.Scopes;
using Keycard.Core.Security;
using Keycard.Core.Storage;

namespace Keycard.Core.Authorization;

/// <summary>Validates an authorization request (RFC 6749 §4.1.1 and §4.1.2.1, RFC 7636 §4.4.1).</summary>
public sealed class AuthorizationValidator(IClientStore clients)
{
    public const int MaxStateLength = 2000;

    /// <summary>The stored column's length (tokens.nonce).</summary>
    public const int MaxNonceLength = 500;

    /// <summary>A hundred years: beyond it, max_age means nothing.</summary>
    private const long MaxMaxAgeSeconds = 100L * 365 * 24 * 3600;

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
        else if (!RedirectUriRules.IsRegistered(client, request.RedirectUri, policy.AnyLoopbackPort))
        {
            // RFC 9700 §4.1.3: exact string match against the registered URIs (any port on a loopback one, §2.1).
            return Unredirectable(request, "redirect_uri", "The redirect_uri is not one this application registered.", client);
        }
        else
        {
            redirectUri = request.RedirectUri;
        }

        // From here on the client and its redirect URI are known good: every error goes back to the client
        // (RFC 6749 §4.1.2.1), with the state echoed when it could be read.
        var valid = new AuthorizationValidation
        {
            Client = client,
            RedirectUri = redirectUri,
            RedirectUriWasRequested = !string.IsNullOrEmpty(request.RedirectUri),
            Request = request,
            CanRedirect = true,
        };

        if (policy.HonoursResponseMode && request.ResponseMode is { } mode)
        {
            // Multiple Response Type Encoding Practices §2.1 / Form Post Response Mode §2: a mode Keycard cannot answer
            // in is invalid_request, sent in the default mode (query), since the client asked for one we do not speak.
            if (!ResponseModes.IsSupported(mode))
            {
                return valid with { Error = ProtocolError.InvalidRequest("The response_mode is not supported; use query, fragment or form_post."), Parameter = "response_mode" };
            }

            valid = valid with { ResponseMode = mode };
        }

        if (request.UnreadableParameter is { } unreadable)
        {
            return valid with { Error = unreadable, Parameter = "request" };
        }

        if (request.State is { Length: > MaxStateLength })
        {
            // Too long to echo: the error goes back without it.
            return valid with { Request = request with { State = null }, Error = ProtocolError.InvalidRequest("The state parameter is too long."), Parameter = "state" };
        }

        if (policy.ShowMissingParameters && FindMissing(request) is { } missing)
        {
            return valid with { Error = ProtocolError.InvalidRequest($"The {missing} parameter is missing."), Parameter = missing, CanRedirect = false };
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

        // RFC 8707 §2: a resource the client did not register is invalid_target, sent back to the client.
        if (request.Resource is not null && ResourceRules.Resolve(client, request.Resource, bound: null).Error is { } targetError)
        {
            return valid with { Error = targetError, Parameter = "resource" };
        }

        if (string.IsNullOrEmpty(request.State) && policy.RequireState)
        {
            return valid with { Error = ProtocolError.InvalidRequest("The state parameter is missing."), Parameter = "state" };
        }

        var requirePkce = policy.RequirePkceForPublicClients && !client.IsConfidential;
        if (FindPkceError(client, request.CodeChallenge, request.CodeChallengeMethod, requirePkce) is { } pkce)
        {
            return valid with { Error = pkce, Parameter = pkce.Parameter };
        }

        return policy.OpenIdConnect ? ValidateOpenIdConnect(valid) : valid;
    }

    /// <summary>OpenID Connect Core §3.1.2.1, §6 and §7.2.1: the parameters a Basic OP reads beyond OAuth's.</summary>
    private static AuthorizationValidation ValidateOpenIdConnect(AuthorizationValidation valid)
    {
        var request = valid.Request;
        if (request.HasRequestObject)
        {
            return valid with { Error = new ProtocolError(OpenIdErrorCodes.RequestNotSupported, "Request objects (the request parameter) are not supported."), Parameter = "request" };
        }

        if (request.HasRequestUri)
        {
            return valid with { Error = new ProtocolError(OpenIdErrorCodes.RequestUriNotSupported, "The request_uri parameter is not supported."), Parameter = "request_uri" };
        }

        if (request.HasRegistration)
        {
            return valid with { Error = new ProtocolError(OpenIdErrorCodes.RegistrationNotSupported, "The registration parameter is not supported."), Parameter = "registration" };
        }

        // Unknown prompt values are ignored; none with any other value is an error (Core §3.1.2.1).
        var prompts = ScopeRules.Split(request.Prompt).Where(p => PromptValues.All.Contains(p, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal).ToArray();
        if (prompts.Contains(PromptValues.None, StringComparer.Ordinal) && ScopeRules.Split(request.Prompt).Length > 1)
        {
            return valid with { Error = ProtocolError.InvalidRequest("prompt=none cannot be combined with other prompt values."), Parameter = "prompt" };
        }

        TimeSpan? maxAge = null;
        if (request.MaxAge is not null)
        {
            if (!long.TryParse(request.MaxAge, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds > MaxMaxAgeSeconds)
            {
                return valid with { Error = ProtocolError.InvalidRequest("max_age must be a non-negative number of seconds."), Parameter = "max_age" };
            }

            maxAge = TimeSpan.FromSeconds(seconds);
        }

        return valid with { Prompts = prompts, MaxAge = maxAge };
    }

    /// <summary>
    /// The PKCE rules every path that issues a code applies (RFC 7636 §4.4.1, RFC 9700 §2.1.1): a challenge is
    /// needed when the client is registered to require it or <paramref name="requiredByPolicy"/>; only S256 is
    /// accepted, and the challenge must be its 43 base64url characters. The error's <see cref="ProtocolError.Parameter"/>
    /// names the parameter at fault.
    /// </summary>
    public static ProtocolError? FindPkceError(Client client, string? challenge, string? method, bool requiredByPolicy)
    {
        if (string.IsNullOrEmpty(challenge))
        {
            if (!string.IsNullOrEmpty(method))
            {
                return ProtocolError.InvalidRequest("code_challenge_method was sent without code_challenge.") with { Parameter = "code_challenge" };
            }

            // RFC 9700 §2.1.1 and OAuth 2.1: public clients must use PKCE; confidential ones when registered so.
            return client.RequirePkce || requiredByPolicy
                ? ProtocolError.InvalidRequest("PKCE is required: send code_challenge with code_challenge_method=S256.") with { Parameter = "code_challenge" }
                : null;
        }

        // RFC 7636 §4.3: the method defaults to "plain", which Keycard refuses (RFC 9700 §2.1.1).
        if (!string.Equals(method, Pkce.S256, StringComparison.Ordinal))
        {
            return ProtocolError.InvalidRequest("Only code_challenge_method=S256 is supported.") with { Parameter = "code_challenge_method" };
        }

        if (!Pkce.IsValidChallenge(challenge))
        {
            return ProtocolError.InvalidRequest("The code_challenge must be 43 base64url characters (RFC 7636 section 4.2).") with { Parameter = "code_challenge" };
        }

        return null;
    }

    private static string? FindMissing(AuthorizationRequest request) =>
        string.IsNullOrEmpty(request.ResponseType) ? "response_type"
        : string.IsNullOrEmpty(request.Scope) ? "scope"
        : string.IsNullOrEmpty(request.State) ? "state"
        : null;

    private static AuthorizationValidation Unredirectable(AuthorizationRequest request, string parameter, string description, Client? client = null) => new()
    {
        Client = client,
        Request = request,
        Error = ProtocolError.InvalidRequest(description),
        Parameter = parameter,
        CanRedirect = false,
    };
}
