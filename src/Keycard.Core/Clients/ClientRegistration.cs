using Keycard.Core.Security;
using Keycard.Core.Signing;
using Keycard.Core.Storage;

namespace Keycard.Core.Clients;

/// <summary>
/// The rules a client registration must meet, for every way of registering one (RFC 6749 §2, RFC 9700 §2.1 and
/// §4.1.3): a safe client id, redirect URIs that can be matched exactly, browser origins, the client credentials
/// grant for confidential clients only, and a generated or strong imported secret stored only as a hash.
/// </summary>
public sealed class ClientRegistration(IClientStore clients, TimeProvider time)
{
    /// <summary>The longest display name and appCode the stores keep (and the longest client id).</summary>
    public const int MaxNameLength = 200;

    /// <summary>The rules that need neither the secret nor the store: checked before an imported secret is read.</summary>
    public static ClientRegistrationProblem? Validate(ClientRegistrationRequest request)
    {
        if (!IsSafeClientId(request.ClientId))
        {
            return new(ClientRegistrationField.ClientId, "must be 1-200 characters of letters, digits and . _ ~ : -");
        }

        // Longer values do not fit the stores' columns: PostgreSQL refused the row (session 9 audit).
        if (request.Name is { } name && name.Length is 0 or > MaxNameLength)
        {
            return new(ClientRegistrationField.Name, $"must be 1-{MaxNameLength} characters");
        }

        if (request.AppCode is { } appCode && appCode.Length is 0 or > MaxNameLength)
        {
            return new(ClientRegistrationField.AppCode, $"must be 1-{MaxNameLength} characters");
        }

        if (request.RedirectUris.Count == 0 && !request.AllowClientCredentials)
        {
            return new(ClientRegistrationField.RedirectUri, "is needed at least once, unless the client uses only the client credentials grant");
        }

        foreach (var uri in request.RedirectUris)
        {
            if (RedirectUriRules.ValidateForRegistration(uri) is { } problem)
            {
                return new(ClientRegistrationField.RedirectUri, problem, uri);
            }
        }

        foreach (var uri in request.PostLogoutRedirectUris)
        {
            // RP-Initiated Logout §3: the same rules as redirect URIs (absolute, no fragment, https except loopback).
            if (RedirectUriRules.ValidateForRegistration(uri) is { } problem)
            {
                return new(ClientRegistrationField.PostLogoutRedirectUri, problem, uri);
            }
        }

        foreach (var origin in request.AllowedOrigins)
        {
            if (RedirectUriRules.ValidateOrigin(origin) is { } problem)
            {
                return new(ClientRegistrationField.Origin, problem, origin);
            }
        }

        // RFC 6749 §4.4: "The client credentials grant type MUST only be used by confidential clients."
        if (request.AllowClientCredentials && !request.IsConfidential)
        {
            return new(ClientRegistrationField.ClientCredentials, "needs a confidential client (RFC 6749 section 4.4)");
        }

        // A third-party client's users must see what it asks for and consent (issue 16). The password code endpoint
        // takes the user's password straight from the client, with no page to consent on, and RFC 9700 §2.4 says
        // the password grant "MUST NOT be used": never for a client the user has not chosen to trust with it.
        if (request.IsThirdParty && request.AllowPasswordCodeEndpoint)
        {
            return new(ClientRegistrationField.ThirdParty, "cannot use the username/password code endpoint: its users could not consent (RFC 9700 section 2.4)");
        }

        if (request.ImportsSecret && !request.IsConfidential)
        {
            return new(ClientRegistrationField.Secret, "can only be imported for a confidential client");
        }

        if (!AccessTokenFormats.All.Contains(request.AccessTokenFormat, StringComparer.Ordinal))
        {
            return new(ClientRegistrationField.AccessTokenFormat, "must be one of " + string.Join(", ", AccessTokenFormats.All), request.AccessTokenFormat);
        }

        // RFC 8707 §2: a resource indicator is an absolute URI without a fragment.
        foreach (var resource in request.Resources)
        {
            if (ResourceRules.FindProblem(resource) is { } problem)
            {
                return new(ClientRegistrationField.Resource, problem, resource);
            }
        }

        if (request.SigningAlgorithm is not null && SigningAlgorithms.Normalize(request.SigningAlgorithm) is null)
        {
            return new(ClientRegistrationField.SigningAlgorithm, "must be one of " + string.Join(", ", SigningAlgorithms.All), request.SigningAlgorithm);
        }

        return null;
    }

    /// <summary>Applies every rule, generates the secret of a confidential client that imports none, and stores the client.</summary>
    public async Task<(RegisteredClient? Registered, ClientRegistrationProblem? Problem)> RegisterAsync(
        ClientRegistrationRequest request, CancellationToken cancellationToken)
    {
        if (Validate(request) is { } problem)
        {
            return (null, problem);
        }

        string? secret = null;
        if (request.ImportsSecret)
        {
            if (string.IsNullOrEmpty(request.ImportedSecret))
            {
                return (null, new(ClientRegistrationField.Secret, "is empty"));
            }

            if (ClientSecretPolicy.FindWeakness(request.ImportedSecret) is { } weakness)
            {
                return (null, new(ClientRegistrationField.Secret, weakness));
            }

            secret = request.ImportedSecret;
        }
        else if (request.IsConfidential)
        {
            secret = SecureToken.Generate();
        }

        var now = time.GetUtcNow();
        var client = new Client
        {
            ClientId = request.ClientId,
            Name = request.Name ?? request.ClientId,
            AppCode = request.AppCode ?? request.ClientId,
            IsConfidential = request.IsConfidential,
            SecretHash = secret is null ? null : SecureToken.Hash(secret),
            RedirectUris = request.RedirectUris,
            PostLogoutRedirectUris = request.PostLogoutRedirectUris,
            AllowedOrigins = request.AllowedOrigins,
            AllowedScopes = request.AllowedScopes,
            RequirePkce = request.RequirePkce,
            AllowPasswordCodeEndpoint = request.AllowPasswordCodeEndpoint,
            AllowClientCredentials = request.AllowClientCredentials,
            AccessTokenFormat = request.AccessTokenFormat,
            Resources = [.. request.Resources.Distinct(StringComparer.Ordinal)],
            SigningAlgorithm = SigningAlgorithms.Normalize(request.SigningAlgorithm),
            IsThirdParty = request.IsThirdParty,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (!await clients.AddAsync(client, cancellationToken))
        {
            return (null, new(ClientRegistrationField.ClientId, "names a client that already exists", request.ClientId));
        }

        return (new RegisteredClient(client, request.ImportsSecret ? null : secret), null);
    }

    /// <summary>RFC 3986 unreserved characters plus ':', so a client id needs no escaping in a URL or a header.</summary>
    private static bool IsSafeClientId(string clientId) =>
        clientId.Length is >= 1 and <= MaxNameLength && clientId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '~' or ':' or '-');
}
