using Keycard.Core.Clients;
using Keycard.Core.Errors;
using Keycard.Core.OpenIdConnect;
using Keycard.Core.Scopes;
using Keycard.Core.Security;
using Keycard.Core.Storage;

namespace Keycard.Core.Tokens.Grants;

/// <summary>RFC 6749 §6 with rotation and reuse detection (RFC 9700 §4.14.2).</summary>
public sealed class RefreshTokenGrant(ITokenStore tokens, TokenFactory factory, IdTokenFactory idTokens) : IGrantHandler
{
    public string GrantType => GrantTypes.RefreshToken;

    public async Task<Result<IssuedTokens>> HandleAsync(TokenRequest request, Client client, CancellationToken cancellationToken)
    {
        var presented = await PresentedGrant.FindAsync(tokens, request.RefreshToken, TokenKind.RefreshToken, client, "refresh token", cancellationToken);
        if (!presented.IsSuccess)
        {
            return presented.Error;
        }

        var (hash, current) = presented.Value;
        var now = factory.Time.GetUtcNow();
        if (current.IsExpired(now))
        {
            return ProtocolError.InvalidGrant("The refresh token has expired.") with { Reason = FailureReason.RefreshExpired };
        }

        // RFC 6749 §6: the new scope must not include any scope not originally granted.
        var scope = current.Scope;
        if (!string.IsNullOrEmpty(request.Scope))
        {
            if (!ScopeRules.IsSubset(request.Scope, current.Scope))
            {
                return ProtocolError.InvalidScope("A refresh may narrow the scope but never widen it.");
            }

            scope = request.Scope;
        }

        // RFC 8707 §2.2: a refresh may ask for any resource the authorization allows (bound, or any registered one).
        var resource = ResourceRules.Resolve(client, request.Resource, current.Resource);
        if (!resource.IsSuccess)
        {
            return resource.Error;
        }

        // RFC 6749 §6: a new refresh token keeps the scope of the one it replaces.
        var grant = new AccessTokenGrant
        {
            Client = client,
            UserId = current.UserId,
            Scope = scope,
            RefreshScope = current.Scope,
            FamilyId = current.FamilyId,
            Resource = resource.Value,
            BoundResource = current.Resource,
            AuthTime = current.AuthTime,
            SessionId = current.SessionId,
            Issuer = request.AccessTokenIssuer,
        };
        var (response, stored) = await factory.CreatePairAsync(grant, withRefresh: true, now, cancellationToken);
        if (current.ConsumedAt is null && await tokens.ExchangeAsync(hash, now, stored, cancellationToken))
        {
            // OpenID Connect Core §12.2: same sub and auth_time as the original ID token, and no nonce.
            return await idTokens.AddToAsync(response, request, current, withNonce: false, now, cancellationToken);
        }

        // Already rotated, by an earlier request or a concurrent one. Re-read to learn when.
        var consumed = current.ConsumedAt is null ? await tokens.FindAsync(hash, cancellationToken) : current;
        if (consumed is { RevokedAt: null, ConsumedAt: { } consumedAt } && now - consumedAt < factory.Options.RefreshReuseGrace)
        {
            // Two tabs refreshing at once: within the grace window the same client gets a valid answer in the
            // same family, so the user keeps the session and no second family appears. A zero grace turns this off.
            await tokens.AddAsync(stored, cancellationToken);
            return await idTokens.AddToAsync(response, request, current, withNonce: false, now, cancellationToken);
        }

        // RFC 9700 §4.14.2: a rotated refresh token presented again means it leaked; revoke the whole family.
        await tokens.RevokeFamilyAsync(current.FamilyId, now, cancellationToken);
        return ProtocolError.InvalidGrant("The refresh token was already used; every token of this authorization is revoked.") with { Reason = FailureReason.RefreshReused };
    }
}
