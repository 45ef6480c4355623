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
