using Keycard.Core.Clients;
using Keycard.Core.Errors;
using Keycard.Core.Security;
using Keycard.Core.Signing;
using Keycard.Core.Tests.Fakes;
using Keycard.Core.Tokens;
using Keycard.Core.Tokens.Grants;
using Keycard.Testing;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.Core.Tests.Tokens;

/// <summary>JWT access tokens (RFC 9068) and resource indicators (RFC 8707) at the grants.</summary>
public sealed class JwtAccessTokenTests
{
    private const string Issuer = "https://auth.example.com";
    private const string Api = "https://api.example.com/";
    private const string OtherApi = "https://other.example.com/";

    private readonly CoreHarness _core = new();
    private readonly FixedSigningKeyRing _ring;
    private readonly TokenFactory _factory;

    public JwtAccessTokenTests()
    {
        _ring = _core.SigningKeys;
        _factory = new TokenFactory(_core.Time, Options.Create(_core.Protocol), new JwtSigner(_ring));
    }

    private Client JwtService => _core.ConfidentialClient with
    {
        AllowClientCredentials = true,
        AccessTokenFormat = AccessTokenFormats.Jwt,
        Resources = [Api],
    };

    private Task<Result<IssuedTokens>> ClientCredentialsAsync(Client client, string? resource = null, string? scope = "reports") =>
        new ClientCredentialsGrant(_core.Tokens, _factory).HandleAsync(
            new TokenRequest { GrantType = "client_credentials", ClientId = client.ClientId, Scope = scope, Resource = resource, AccessTokenIssuer = Issuer },
            client,
            CancellationToken.None);

    private async Task<TokenValidationResult> ValidateAsync(string jwt, SecurityKey key, string audience = Api) =>
        await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = audience,
            IssuerSigningKey = key,
            ValidTypes = ["at+jwt"],
            LifetimeValidator = (_, _, _, _) => true,
        });

    [Fact]
    public async Task ClientCredentials_JwtClient_IssuesAnAtJwtWithTheRfc9068Claims()
    {
        var result = await ClientCredentialsAsync(JwtService);

        Assert.True(result.IsSuccess, result.Error?.Description);
        var validation = await ValidateAsync(result.Value.AccessToken, _ring.Key.Key);
        Assert.True(validation.IsValid, validation.Exception?.Message);
        var jwt = (JsonWebToken)validation.SecurityToken;
        // RFC 9068 §2.1: typ at+jwt; the kid names the key in the JWKS.
        Assert.Equal("at+jwt", jwt.Typ);
        Assert.Equal(_ring.Key.KeyId, jwt.Kid);
        Assert.Equal("RS256", jwt.Alg);
        // RFC 9068 §2.2: sub is the client itself for client_credentials; aud the resource.
        Assert.Equal(Issuer, jwt.Issuer);
        Assert.Equal(CoreHarness.ConfidentialClientId, jwt.Subject);
        Assert.Equal([Api], jwt.Audiences);
        Assert.Equal(CoreHarness.ConfidentialClientId, jwt.GetPayloadValue<string>("client_id"));
        Assert.Equal("reports", jwt.GetPayloadValue<string>("scope"));
        Assert.False(string.IsNullOrEmpty(jwt.Id));
        var iat = jwt.GetPayloadValue<long>("iat");
        Assert.Equal(_core.Time.GetUtcNow().ToUnixTimeSeconds(), iat);
        Assert.Equal(iat + (long)_core.Protocol.AccessTokenLifetime.TotalSeconds, jwt.GetPayloadValue<long>("exp"));
        Assert.False(jwt.TryGetPayloadValue<long>("auth_time", out _));
        Assert.Equal(_core.Protocol.AccessTokenLifetime, result.Value.ExpiresIn);
    }

    [Fact]
    public async Task ClientCredentials_JwtClient_StoresOnlyTheHashWithTheResource()
    {
        var result = await ClientCredentialsAsync(JwtService);

        var stored = Assert.Single(_core.Tokens.All);
        Assert.Equal(SecureToken.StorageKey(result.Value!.AccessToken), stored.Hash);
        Assert.Equal(TokenKind.AccessToken, stored.Kind);
        Assert.Equal(Api, stored.Resource);
        Assert.Equal(_core.Time.GetUtcNow() + _core.Protocol.AccessTokenLifetime, stored.ExpiresAt);
        Assert.True(await _core.IsLiveAsync(result.Value.AccessToken));
    }

    [Fact]
    public async Task ClientCredentials_JwtsWithinOneSecond_AreStoredInIssueOrder()
    {
        // Two JWTs 1 ms apart share their iat's second: their keys must still sort by issue time, so the second's
        // rows append to the token index instead of landing at random places in it (SecureToken.StorageKey).
        _core.Time.Advance(TimeSpan.FromMilliseconds(1000 - _core.Time.GetUtcNow().Millisecond + 500));
        var keys = new List<byte[]>();
        for (var i = 0; i < 8; i++)
        {
            var result = await ClientCredentialsAsync(JwtService);
            keys.Add(SecureToken.StorageKey(result.Value!.AccessToken));
            _core.Time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(keys, keys.OrderBy(k => k, Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))));
        var first = new byte[8];
        keys[0].AsSpan(0, SecureToken.TimePrefixBytes).CopyTo(first.AsSpan(2));
        Assert.Equal(_core.Time.GetUtcNow().AddMilliseconds(-8).ToUnixTimeMilliseconds(), System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(first));
    }

    [Fact]
    public async Task ClientCredentials_Es256Client_IsSignedWithTheEs256Key()
    {
        var result = await ClientCredentialsAsync(JwtService with { SigningAlgorithm = SigningAlgorithms.ES256 });

        var validation = await ValidateAsync(result.Value!.AccessToken, _ring.EcKey.Key);
        Assert.True(validation.IsValid, validation.Exception?.Message);
        Assert.Equal("ES256", ((JsonWebToken)validation.SecurityToken).Alg);
        Assert.Equal(_ring.EcKey.KeyId, ((JsonWebToken)validation.SecurityToken).Kid);
    }

    [Fact]
    public async Task ClientCredentials_NoResourceRegistered_AudienceIsTheIssuer()
    {
        var result = await ClientCredentialsAsync(JwtService with { Resources = [] });

        Assert.Equal([Issuer], new JsonWebToken(result.Value!.AccessToken).Audiences);
        Assert.Null(Assert.Single(_core.Tokens.All).Resource);
    }

    [Fact]
    public async Task ClientCredentials_ResourceRequestedAmongSeveral_IsTheAudience()
    {
        var result = await ClientCredentialsAsync(JwtService with { Resources = [Api, OtherApi] }, OtherApi);

        Assert.Equal([OtherApi], new JsonWebToken(result.Value!.AccessToken).Audiences);
    }

    [Theory]
    [InlineData(OtherApi)]
    [InlineData("https://api.example.com/#frag")]
    [InlineData("/relative")]
    public async Task ClientCredentials_ResourceNotRegisteredOrInvalid_IsInvalidTarget(string resource)
    {
        // RFC 8707 §2: invalid_target for a resource that is invalid, unknown or not allowed for the client.
        var result = await ClientCredentialsAsync(JwtService, resource);

        Assert.Equal(OAuthErrorCodes.InvalidTarget, result.Error?.Code);
        Assert.Empty(_core.Tokens.All);
    }

    [Fact]
    public async Task ClientCredentials_OpaqueClientWithResource_StoresTheResourceOnAnOpaqueToken()
    {
        var result = await ClientCredentialsAsync(JwtService with { AccessTokenFormat = AccessTokenFormats.Opaque }, Api);

        Assert.Equal(SecureToken.OrderedTokenLength, result.Value!.AccessToken.Length);
        Assert.Equal(Api, Assert.Single(_core.Tokens.All).Resource);
    }

    [Fact]
    public async Task AuthorizationCode_CodeBoundToResourceAndAuthTime_JwtCarriesUserAudienceAndAuthTime()
    {
        var authTime = _core.Time.GetUtcNow().AddMinutes(-3);
        var code = await AddCodeAsync(Api, authTime);
        var client = JwtService with { Resources = [Api, OtherApi] };

        var result = await new AuthorizationCodeGrant(_core.Tokens, _factory, _core.IdTokens).HandleAsync(
            new TokenRequest { GrantType = "authorization_code", ClientId = client.ClientId, Code = code, RedirectUri = CoreHarness.RedirectUri, AccessTokenIssuer = Issuer },
            client,
            CancellationToken.None);

        Assert.True(result.IsSuccess, result.Error?.Description);
        var jwt = new JsonWebToken(result.Value.AccessToken);
        Assert.Equal(FakeUserAuthenticator.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture), jwt.Subject);
        Assert.Equal([Api], jwt.Audiences);
        Assert.Equal(authTime.ToUnixTimeSeconds(), jwt.GetPayloadValue<long>("auth_time"));
        // The refresh token stays opaque and keeps the resource the authorization is bound to (RFC 8707 §2.2).
        Assert.Equal(SecureToken.OrderedTokenLength, result.Value.RefreshToken!.Length);
        var refresh = await _core.Tokens.FindAsync(SecureToken.StorageKey(result.Value.RefreshToken), CancellationToken.None);
        Assert.Equal(Api, refresh!.Resource);
    }

    [Fact]
    public async Task AuthorizationCode_OtherResourceThanTheCodeWasBoundTo_IsInvalidTarget()
    {
        var code = await AddCodeAsync(Api, null);
        var client = JwtService with { Resources = [Api, OtherApi] };

        var result = await new AuthorizationCodeGrant(_core.Tokens, _factory, _core.IdTokens).HandleAsync(
            new TokenRequest { GrantType = "authorization_code", ClientId = client.ClientId, Code = code, RedirectUri = CoreHarness.RedirectUri, Resource = OtherApi, AccessTokenIssuer = Issuer },
            client,
            CancellationToken.None);

        Assert.Equal(OAuthErrorCodes.InvalidTarget, result.Error?.Code);
    }

    [Fact]
    public async Task Refresh_JwtClient_IssuesANewJwtForTheBoundResource()
    {
        var code = await AddCodeAsync(Api, null);
        var grant = new AuthorizationCodeGrant(_core.Tokens, _factory, _core.IdTokens);
        var first = await grant.HandleAsync(
            new TokenRequest { GrantType = "authorization_code", ClientId = JwtService.ClientId, Code = code, RedirectUri = CoreHarness.RedirectUri, AccessTokenIssuer = Issuer },
            JwtService,
            CancellationToken.None);
        _core.Time.Advance(TimeSpan.FromSeconds(2));

        var refreshed = await new RefreshTokenGrant(_core.Tokens, _factory, _core.IdTokens).HandleAsync(
            new TokenRequest { GrantType = "refresh_token", ClientId = JwtService.ClientId, RefreshToken = first.Value!.RefreshToken, AccessTokenIssuer = Issuer },
            JwtService,
            CancellationToken.None);

        Assert.True(refreshed.IsSuccess, refreshed.Error?.Description);
        Assert.NotEqual(first.Value.AccessToken, refreshed.Value.AccessToken);
        Assert.True((await ValidateAsync(refreshed.Value.AccessToken, _ring.Key.Key)).IsValid);
    }

    [Fact]
    public async Task Revoke_JwtAccessToken_KeycardRefusesItAtOnce()
    {
        var client = JwtService;
        var result = await ClientCredentialsAsync(client);
        var validator = new AccessTokenValidator(_core.Tokens, _core.Time);
        Assert.True((await validator.ValidateAsync(result.Value!.AccessToken, CancellationToken.None)).IsValid);

        var revoked = await new RevocationService(_core.Tokens, _core.ClientAuthenticator, _core.Time).RevokeAsync(
            new RevocationRequest { Token = result.Value.AccessToken, ClientId = client.ClientId, ClientSecret = _core.Secret, RequireClientAuthentication = true },
            CancellationToken.None);

        Assert.True(revoked.IsSuccess);
        Assert.Equal(TokenValidationStatus.Invalid, (await validator.ValidateAsync(result.Value.AccessToken, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task Validate_ExpiredJwt_IsExpired()
    {
        var result = await ClientCredentialsAsync(JwtService);
        _core.Time.Advance(_core.Protocol.AccessTokenLifetime);

        var validation = await new AccessTokenValidator(_core.Tokens, _core.Time).ValidateAsync(result.Value!.AccessToken, CancellationToken.None);

        Assert.Equal(TokenValidationStatus.Expired, validation.Status);
    }

    private async Task<string> AddCodeAsync(string? resource, DateTimeOffset? authTime)
    {
        var now = _core.Time.GetUtcNow();
        var value = SecureToken.GenerateOrdered(now);
        var code = TestTokens.New(
            now,
            TokenKind.AuthorizationCode,
            _core.Protocol.AuthorizationCodeLifetime,
            CoreHarness.ConfidentialClientId,
            FakeUserAuthenticator.UserId,
            hash: SecureToken.StorageKey(value)) with
        {
            RedirectUri = CoreHarness.RedirectUri,
            Resource = resource,
            AuthTime = authTime,
        };
        await _core.Tokens.AddAsync([code], CancellationToken.None);
        return value;
    }
}
