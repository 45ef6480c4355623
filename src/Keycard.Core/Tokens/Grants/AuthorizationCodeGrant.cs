using Keycard.Core.Clients;
using Keycard.Core.Errors;
using Keycard.Core.OpenIdConnect;
using Keycard.Core.Scopes;
using Keycard.Core.Security;
using Keycard.Core.Storage;

namespace Keycard.Core.Tokens.Grants;

/// <summary>RFC 6749 §4.1.3: exchanging an authorization code, with PKCE (RFC 7636 §4.6).</summary>
public sealed class AuthorizationCodeGrant(ITokenStore tokens, TokenFactory factory, IdTokenFactory idTokens) : IGrantHandler
{
    public string GrantType => GrantTypes.AuthorizationCode;

    public async Task<Result<IssuedTokens>> HandleAsync(TokenRequest request, Client client, CancellationToken cancellationToken)
    {
        var presented = await PresentedGrant.FindAsync(tokens, request.Code, TokenKind.AuthorizationCode, client, "authorization code", cancellationToken);
        if (!presented.IsSuccess)
        {
            return presented.Error;
        }

        var (hash, code) = presented.Value;
        var now = factory.Time.GetUtcNow();
        if (code.ConsumedAt is not null)
        {
            // RFC 6749 §4.1.2 and RFC 9700 §4.5: a code used twice revokes every token issued from it.
            await tokens.RevokeFamilyAsync(code.FamilyId, now, cancellationToken);
            return ProtocolError.InvalidGrant("The authorization code was already used; the tokens issued from it are revoked.") with { Reason = FailureReason.CodeReplayed };
        }

        if (code.IsExpired(now))
        {
            return ProtocolError.InvalidGrant("The authorization code has expired.") with { Reason = FailureReason.CodeExpired };
        }

        if (CheckRedirectUri(code, client, request.RedirectUri) is { } redirectError)
        {
            return redirectError with { Reason = FailureReason.RedirectMismatch };
        }

        var scope = code.Scope;
        if (code.ScopeOpen)
        {
            if (ScopeRules.Validate(client, request.Scope) is { } scopeError)
            {
                return scopeError;
            }

            scope = request.Scope ?? "";
        }
        else if (request.Scope is not null && !(ScopeRules.IsSubset(request.Scope, code.Scope) && ScopeRules.IsSubset(code.Scope, request.Scope)))
        {
            // The guide: x-scope is "the same scope used to get the auth-code"; the code is bound to it. The same as a
            // set: RFC 6749 §3.3, the order of the space-delimited strings "does not matter".
            return ProtocolError.InvalidGrant("The scope differs from the one the authorization code was issued with.") with { Reason = FailureReason.ScopeMismatch };
        }

        if (CheckPkce(code, client, request.CodeVerifier) is { } pkceError)
        {
            // RFC 9700 §4.8 / RFC 7636 §4.6: a failed verifier burns the code so it cannot be guessed at.
            await tokens.ExchangeAsync(hash, now, [], cancellationToken);
            return pkceError with { Reason = FailureReason.PkceFailed };
        }

        // RFC 8707 §2.2: a resource named here must be registered and within what the authorization was granted for.
        var resource = ResourceRules.Resolve(client, request.Resource, code.Resource);
        if (!resource.IsSuccess)
        {
            return resource.Error;
        }

        var grant = new AccessTokenGrant
        {
            Client = client,
            UserId = code.UserId,
            Scope = scope,
            FamilyId = code.FamilyId,
            Resource = resource.Value,
            BoundResource = code.Resource,
            // The sign-in the code came from travels on with its tokens: a refreshed ID token keeps auth_time and sid (OpenID Connect Core §12.2).
            AuthTime = code.AuthTime ?? code.CreatedAt,
            SessionId = code.SessionId,
            Issuer = request.AccessTokenIssuer,
        };
        var (response, stored) = await factory.CreatePairAsync(grant, withRefresh: true, now, cancellationToken);
        if (!await tokens.ExchangeAsync(hash, now, stored, cancellationToken))
        {
            // A concurrent request redeemed it first: that is a replay too (RFC 6749 §4.1.2).
            await tokens.RevokeFamilyAsync(code.FamilyId, now, cancellationToken);
            return ProtocolError.InvalidGrant("The authorization code was already used; the tokens issued from it are revoked.") with { Reason = FailureReason.CodeReplayed };
        }

        return await idTokens.AddToAsync(response, request, code, withNonce: true, now, cancellationToken);
    }

    private static ProtocolError? CheckRedirectUri(StoredToken code, Client client, string? redirectUri)
    {
        if (code.RedirectUri is not null)
        {
            // RFC 6749 §4.1.3: required and identical when the authorization request included it.
            return string.Equals(code.RedirectUri, redirectUri, StringComparison.Ordinal)
                ? null
                : ProtocolError.InvalidGrant("The redirect URI does not match the one the authorization code was issued to.");
        }

        return redirectUri is null || RedirectUriRules.IsRegistered(client, redirectUri)
            ? null
            : ProtocolError.InvalidGrant("The redirect URI is not one this application registered.");
    }

    private static ProtocolError? CheckPkce(StoredToken code, Client client, string? verifier)
    {
        if (code.CodeChallenge is null && client.RequirePkce)
        {
            // RFC 7636 §4.4.1: a client registered to require PKCE redeems no code without it, whatever issued the
            // code (one issued before the registration changed included).
            return ProtocolError.InvalidGrant("This client must use PKCE; the authorization code was issued without a code_challenge.");
        }

        if (code.CodeChallenge is null)
        {
            // RFC 9700 §2.1.1: a verifier without a challenge is a PKCE downgrade attempt.
            return verifier is null ? null : ProtocolError.InvalidGrant("A code_verifier was sent but the authorization request had no code_challenge.") with { Parameter = "code_verifier" };
        }

        if (string.IsNullOrEmpty(verifier))
        {
            return ProtocolError.InvalidGrant("The code_verifier is missing (RFC 7636 section 4.5).") with { Parameter = "code_verifier" };
        }

        return Pkce.Verify(verifier, code.CodeChallenge) ? null : ProtocolError.InvalidGrant("The code_verifier does not match the code_challenge.") with { Parameter = "code_verifier" };
    }
}
