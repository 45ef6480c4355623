using Keycard.Core.Signing;
using Keycard.Core.Tests.Fakes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.Core.Tests.Signing;

public sealed class JwtSignerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task SignAsync_Claims_AreSignedByTheCurrentKeyWithItsKidAndTheType()
    {
        var ring = new FixedSigningKeyRing(Now);
        var jwt = await new JwtSigner(ring).SignAsync("at+jwt", new Dictionary<string, object> { ["sub"] = "42", ["exp"] = Now.AddMinutes(5).ToUnixTimeSeconds() }, CancellationToken.None);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            IssuerSigningKey = ring.Key.Key,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
        });

        Assert.True(result.IsValid, result.Exception?.Message);
        var token = (JsonWebToken)result.SecurityToken;
        Assert.Equal("test-key", token.Kid);
        Assert.Equal("at+jwt", token.Typ);
        Assert.Equal("RS256", token.Alg);
        Assert.Equal("42", token.Subject);
    }

    [Fact]
    public async Task SignAsync_NoTimeClaimsGiven_AddsNone()
    {
        var jwt = await new JwtSigner(new FixedSigningKeyRing(Now)).SignAsync("JWT", new Dictionary<string, object> { ["sub"] = "1" }, CancellationToken.None);

        var token = new JsonWebToken(jwt);
        Assert.False(token.TryGetPayloadValue<long>("iat", out _));
        Assert.False(token.TryGetPayloadValue<long>("nbf", out _));
        Assert.False(token.TryGetPayloadValue<long>("exp", out _));
    }

    [Fact]
    public async Task SignAsync_RingAnswersLater_SignsWithTheKeyItGives()
    {
        var ring = new FixedSigningKeyRing(Now);

        var jwt = await new JwtSigner(new YieldingRing(ring)).SignAsync("JWT", new Dictionary<string, object> { ["sub"] = "7" }, SigningAlgorithms.ES256, CancellationToken.None);

        var token = new JsonWebToken(jwt);
        Assert.Equal("test-ec-key", token.Kid);
        Assert.Equal("ES256", token.Alg);
        Assert.Equal("7", token.Subject);
    }

    [Theory]
    [InlineData(SigningAlgorithms.RS256, false)]
    [InlineData(SigningAlgorithms.ES256, false)]
    [InlineData(SigningAlgorithms.ES256, true)]
    public async Task SignAsync_TypedClaims_WritesTheSha256OfTheJwtsAsciiBytes(string algorithm, bool ringAnswersLater)
    {
        var ring = new FixedSigningKeyRing(Now);
        var signer = new JwtSigner(ringAnswersLater ? new YieldingRing(ring) : ring);
        var sha256 = new byte[40];

        var jwt = await signer.SignAsync("at+jwt", new DictionaryJwtClaims(new Dictionary<string, object> { ["sub"] = "9" }), algorithm, sha256.AsMemory(8), CancellationToken.None);

        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(jwt)), sha256[8..]);
        Assert.Equal(new byte[8], sha256[..8]);
        Assert.Equal(algorithm, new JsonWebToken(jwt).Alg);
    }

    [Fact]
    public async Task SignAsync_TypedClaimsWithAKeyThePreparedPathDoesNotKnow_SignsThroughTheHandlerAndHashesTheJwt()
    {
        // A JsonWebKey (not an RsaSecurityKey) is not prepared: Microsoft.IdentityModel signs, and the hash is still the JWT's.
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa) { KeyId = "jwk" });
        var key = new SigningKey("jwk", SigningAlgorithms.RS256, "{}", jwk, Now, Now, Now.AddDays(1), Now.AddDays(2));
        Assert.Null(JwsSigningKey.TryCreate(key));
        var sha256 = new byte[32];

        var jwt = await new JwtSigner(new OneKeyRing(key)).SignAsync("at+jwt", new DictionaryJwtClaims(new Dictionary<string, object> { ["sub"] = "9" }), null, sha256, CancellationToken.None);

        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(jwt)), sha256);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            IssuerSigningKey = new RsaSecurityKey(rsa.ExportParameters(false)),
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("at+jwt", ((JsonWebToken)result.SecurityToken).Typ);
    }

    private sealed class OneKeyRing(SigningKey key) : ISigningKeyRing
    {
        public ValueTask<SigningKey> GetCurrentAsync(CancellationToken cancellationToken) => ValueTask.FromResult(key);

        public ValueTask<SigningKey> GetCurrentAsync(string algorithm, CancellationToken cancellationToken) => ValueTask.FromResult(key);

        public ValueTask<IReadOnlyList<SigningKey>> GetPublishedAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlyList<SigningKey>>([key]);
    }

    /// <summary>A ring that answers asynchronously, as the database ring does when it reloads.</summary>
    private sealed class YieldingRing(FixedSigningKeyRing inner) : ISigningKeyRing
    {
        public async ValueTask<SigningKey> GetCurrentAsync(CancellationToken cancellationToken)
        {
            await Task.Yield();
            return await inner.GetCurrentAsync(cancellationToken);
        }

        public async ValueTask<SigningKey> GetCurrentAsync(string algorithm, CancellationToken cancellationToken)
        {
            await Task.Yield();
            return await inner.GetCurrentAsync(algorithm, cancellationToken);
        }

        public ValueTask<IReadOnlyList<SigningKey>> GetPublishedAsync(CancellationToken cancellationToken) => inner.GetPublishedAsync(cancellationToken);
    }
}
