using Keycard.Core.Security;
using Microsoft.Extensions.Options;

namespace Keycard.Core.Tokens;

/// <summary>Mints access and refresh tokens: a random value for the client and its hash for the store.</summary>
public sealed class TokenFactory(TimeProvider time, IOptions<KeycardProtocolOptions> options)
{
    public TimeProvider Time => time;

    public KeycardProtocolOptions Options => options.Value;

    public (string Value, StoredToken Stored) Create(TokenKind kind, string clientId, int? userId, string scope, string familyId, DateTimeOffset now)
    {
        var value = SecureToken.GenerateOrdered(now);
        var lifetime = kind == TokenKind.RefreshToken ? options.Value.RefreshTokenLifetime : options.Value.AccessTokenLifetime;
        var stored = new StoredToken
        {
            Hash = SecureToken.StorageKey(value),
            Kind = kind,
            ClientId = clientId,
            UserId = userId,
            Scope = scope,
            FamilyId = familyId,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        return (value, stored);
    }

    /// <summary>An access token and, for user grants, a refresh token in the same family.</summary>
    public (IssuedTokens Response, StoredToken[] Stored) CreatePair(
        string clientId, int? userId, string accessScope, string refreshScope, string familyId, bool withRefresh, DateTimeOffset now)
    {
        var access = Create(TokenKind.AccessToken, clientId, userId, accessScope, familyId, now);
        if (!withRefresh)
        {
            return (new IssuedTokens { AccessToken = access.Value, ExpiresIn = options.Value.AccessTokenLifetime, Scope = accessScope }, [access.Stored]);
        }

        var refresh = Create(TokenKind.RefreshToken, clientId, userId, refreshScope, familyId, now);
        var response = new IssuedTokens
        {
            AccessToken = access.Value,
            RefreshToken = refresh.Value,
            ExpiresIn = options.Value.AccessTokenLifetime,
            Scope = accessScope,
        };
        return (response, [access.Stored, refresh.Stored]);
    }
}
