using Keycard.Core.Clients;
using Keycard.Core.Security;
using Keycard.Core.Signing;
using Keycard.Core.Tests.Fakes;
using Keycard.Core.Tokens;
using Microsoft.Extensions.Options;

namespace Keycard.Core.Tests.Tokens;

/// <summary>What the factory mints and stores for a grant: the rows carry every binding the grant decided.</summary>
public sealed class TokenFactoryTests
{
    private const string Api = "https://api.example.com/";
    private const string BoundApi = "https://bound.example.com/";

    private readonly CoreHarness _core = new();
    private readonly TokenFactory _factory;

    public TokenFactoryTests() =>
        _factory = new TokenFactory(_core.Time, Options.Create(_core.Protocol), new JwtSigner(_core.SigningKeys));

    private AccessTokenGrant Grant(Client client) => new()
    {
        Client = client,
        UserId = FakeUserAuthenticator.UserId,
        Scope = "email",
        RefreshScope = "email profile",
        FamilyId = "family-1",
        Resource = Api,
        BoundResource = BoundApi,
        AuthTime = _core.Time.GetUtcNow().AddMinutes(-5),
        SessionId = "session-1",
        Issuer = "https://keycard.example",
    };

    [Theory]
    [InlineData(AccessTokenFormats.Opaque)]
    [InlineData(AccessTokenFormats.Jwt)]
    public async Task CreatePairAsync_WithRefresh_StoresTheGrantsBindingsOnBothRows(string format)
    {
        var client = _core.ConfidentialClient with { AccessTokenFormat = format };
        var grant = Grant(client);
        var now = _core.Time.GetUtcNow();

        var (response, stored) = await _factory.CreatePairAsync(grant, withRefresh: true, now, CancellationToken.None);

        Assert.Equal(2, stored.Length);
        var (access, refresh) = (stored[0], stored[1]);
        Assert.Equal(TokenKind.AccessToken, access.Kind);
        Assert.Equal(SecureToken.StorageKey(response.AccessToken), access.Hash);
        // RFC 8707 §2: the access token is for the resource requested; the refresh token keeps the authorization's.
        Assert.Equal((Api, grant.AuthTime, "session-1", "email"), (access.Resource, access.AuthTime, access.SessionId, access.Scope));
        Assert.Equal(TokenKind.RefreshToken, refresh.Kind);
        Assert.Equal(SecureToken.StorageKey(response.RefreshToken!), refresh.Hash);
        Assert.Equal((BoundApi, grant.AuthTime, "session-1", "email profile"), (refresh.Resource, refresh.AuthTime, refresh.SessionId, refresh.Scope));
        Assert.All(stored, row => Assert.Equal(("family-1", (int?)FakeUserAuthenticator.UserId, now), (row.FamilyId, row.UserId, row.CreatedAt)));
    }

    [Theory]
    [InlineData(SigningAlgorithms.RS256)]
    [InlineData(SigningAlgorithms.ES256)]
    public async Task CreatePairAsync_JwtClient_StoresUnderTheKeyThePresentedJwtIsLookedUpBy(string algorithm)
    {
        // The factory keys the row from the jti and the signer's hash, not by reading the JWT back; a presented JWT is
        // looked up by SecureToken.StorageKey, so the two must be the same bytes (issue order prefix, then the SHA-256).
        var client = _core.ConfidentialClient with { AccessTokenFormat = AccessTokenFormats.Jwt, SigningAlgorithm = algorithm };

        var (response, stored) = await _factory.CreatePairAsync(Grant(client), withRefresh: false, _core.Time.GetUtcNow(), CancellationToken.None);

        Assert.Equal(SecureToken.StorageKeyLength, stored[0].Hash.Length);
        Assert.Equal(SecureToken.StorageKey(response.AccessToken), stored[0].Hash);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(response.AccessToken)), stored[0].Hash[SecureToken.TimePrefixBytes..]);
        Assert.Equal(algorithm, new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(response.AccessToken).Alg);
    }

    [Fact]
    public async Task CreatePairAsync_JwtLongerThanAPresentedAccessTokenMayBe_StoresUnderItsPlainSha256LikeALookup()
    {
        // SecureToken.StorageKey keys a value longer than MaxPresentedAccessTokenLength by its SHA-256 alone; the factory's
        // shortcut must give that same key for such a JWT (a long resource and scope make one).
        var client = _core.ConfidentialClient with { AccessTokenFormat = AccessTokenFormats.Jwt };
        var grant = Grant(client) with { Resource = "https://api.example.com/" + new string('r', 1900), Scope = string.Join(' ', Enumerable.Range(0, 150).Select(i => $"scope{i}")) };

        var (response, stored) = await _factory.CreatePairAsync(grant, withRefresh: false, _core.Time.GetUtcNow(), CancellationToken.None);

        Assert.True(response.AccessToken.Length > SecureToken.MaxPresentedAccessTokenLength);
        Assert.Equal(SecureToken.Hash(response.AccessToken), stored[0].Hash);
        Assert.Equal(SecureToken.StorageKey(response.AccessToken), stored[0].Hash);
    }
}
