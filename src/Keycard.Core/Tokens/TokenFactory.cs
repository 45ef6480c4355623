using System.Globalization;
using Keycard.Core.Clients;
using Keycard.Core.Security;
using Keycard.Core.Signing;
using Microsoft.Extensions.Options;

namespace Keycard.Core.Tokens;

/// <summary>
/// Mints access and refresh tokens: a random value (or, for clients registered with the JWT format, a signed RFC 9068
/// JWT) for the client, and its hash for the store. Every access token, JWT or not, is stored, so Keycard's own
/// endpoints, introspection and revocation treat both formats alike.
/// </summary>
public sealed class TokenFactory(TimeProvider time, IOptions<KeycardProtocolOptions> options, JwtSigner? signer = null)
{
    /// <summary>RFC 9068 §2.1: the <c>typ</c> header of a JWT access token.</summary>
    public const string JwtAccessTokenType = "at+jwt";

    public TimeProvider Time => time;

    public KeycardProtocolOptions Options => options.Value;

    public (string Value, StoredToken Stored) Create(TokenKind kind, string clientId, int? userId, string scope, string familyId, DateTimeOffset now) =>
        Create(kind, clientId, userId, scope, familyId, now, resource: null, authTime: null, sessionId: null);

    /// <summary>A random token and its stored row, built once with every field the grant decided (no copy of the row).</summary>
    private (string Value, StoredToken Stored) Create(
        TokenKind kind, string clientId, int? userId, string scope, string familyId, DateTimeOffset now, string? resource, DateTimeOffset? authTime, string? sessionId)
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
            Resource = resource,
            AuthTime = authTime,
            SessionId = sessionId,
        };
        return (value, stored);
    }

    /// <summary>
    /// An access token in the client's format and, when <paramref name="withRefresh"/>, an opaque refresh token in the
    /// same family. The resource, auth time and sign-in session are kept on the stored rows, the refresh token keeping the resource the
    /// authorization is bound to.
    /// </summary>
    public ValueTask<(IssuedTokens Response, StoredToken[] Stored)> CreatePairAsync(
        AccessTokenGrant grant, bool withRefresh, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (string.Equals(grant.Client.AccessTokenFormat, AccessTokenFormats.Jwt, StringComparison.Ordinal))
        {
            return CreateJwtPairAsync(grant, withRefresh, now, cancellationToken);
        }

        // An opaque access token needs no signature: minted synchronously.
        var (value, stored) = Create(TokenKind.AccessToken, grant.Client.ClientId, grant.UserId, grant.Scope, grant.FamilyId, now, grant.Resource, grant.AuthTime, grant.SessionId);
        return ValueTask.FromResult(Pair(grant, withRefresh, now, value, stored));
    }

    private async ValueTask<(IssuedTokens Response, StoredToken[] Stored)> CreateJwtPairAsync(
        AccessTokenGrant grant, bool withRefresh, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (value, stored) = await CreateJwtAsync(grant, now, cancellationToken);
        return Pair(grant, withRefresh, now, value, stored);
    }

    private (IssuedTokens Response, StoredToken[] Stored) Pair(AccessTokenGrant grant, bool withRefresh, DateTimeOffset now, string accessToken, StoredToken stored)
    {
        if (!withRefresh)
        {
            return (new IssuedTokens { AccessToken = accessToken, ExpiresIn = options.Value.AccessTokenLifetime, Scope = grant.Scope }, [stored]);
        }

        var refresh = Create(
            TokenKind.RefreshToken, grant.Client.ClientId, grant.UserId, grant.RefreshScope ?? grant.Scope, grant.FamilyId, now, grant.BoundResource, grant.AuthTime, grant.SessionId);
        var response = new IssuedTokens
        {
            AccessToken = accessToken,
            RefreshToken = refresh.Value,
            ExpiresIn = options.Value.AccessTokenLifetime,
            Scope = grant.Scope,
        };
        return (response, [stored, refresh.Stored]);
    }

    /// <summary>
    /// RFC 9068 §2: a JWT signed with the current key of the client's algorithm, <c>typ</c> <c>at+jwt</c>, its lifetime
    /// the access token lifetime. Stored by the hash of the whole JWT (<see cref="SecureToken.StorageKey"/>), so a
    /// revoked JWT is refused by Keycard at once while resource servers validating offline accept it until <c>exp</c>.
    /// </summary>
    private async ValueTask<(string Value, StoredToken Stored)> CreateJwtAsync(AccessTokenGrant grant, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (signer is null)
        {
            throw new InvalidOperationException("JWT access tokens need a JwtSigner (AddKeycardCore registers one).");
        }

        var issuer = grant.Issuer ?? throw new InvalidOperationException("JWT access tokens need the issuer the request reached.");
        var issuedAt = now.ToUnixTimeSeconds();
        var expiresAt = now + options.Value.AccessTokenLifetime;
        var jti = SecureToken.GenerateOrdered(now);
        var claims = new JwtAccessTokenClaims(
            Issuer: issuer,
            // RFC 9068 §2.2: sub is the resource owner, or the client itself when it acts on its own behalf.
            Subject: grant.UserId?.ToString(CultureInfo.InvariantCulture) ?? grant.Client.ClientId,
            // RFC 9068 §3: aud is the resource (RFC 8707); with none named, Keycard itself (docs/access-tokens.md).
            Audience: grant.Resource ?? issuer,
            ClientId: grant.Client.ClientId,
            // RFC 7519 §4.1.7: unique; its time prefix (not a secret) keys the stored row in issue order (SecureToken.StorageKey).
            JwtId: jti,
            IssuedAt: issuedAt,
            ExpiresAt: expiresAt.ToUnixTimeSeconds(),
            // RFC 9068 §2.2.3: scope when the token has one; §2.2.1: auth_time when the user's authentication time is known.
            Scope: grant.Scope,
            AuthTime: grant.AuthTime?.ToUnixTimeSeconds());

        // The stored key is SecureToken.StorageKey(jwt), made from what is known here instead of reading the JWT back: the
        // signer hashes the JWT's bytes in its signing buffer, the time prefix is the jti's.
        var key = new byte[SecureToken.StorageKeyLength];
        var jwt = await signer.SignAsync(JwtAccessTokenType, claims, grant.Client.SigningAlgorithm, key.AsMemory(SecureToken.TimePrefixBytes), cancellationToken);
        var stored = new StoredToken
        {
            Hash = SecureToken.SignedJwtStorageKey(jwt, jti, key),
            Kind = TokenKind.AccessToken,
            ClientId = grant.Client.ClientId,
            UserId = grant.UserId,
            Scope = grant.Scope,
            FamilyId = grant.FamilyId,
            CreatedAt = now,
            ExpiresAt = expiresAt,
            Resource = grant.Resource,
            AuthTime = grant.AuthTime,
            SessionId = grant.SessionId,
        };
        return (jwt, stored);
    }
}
