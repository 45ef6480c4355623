using Keycard.Core.Clients;
using Keycard.Core.Security;

namespace Keycard.Core.Tests.Clients;

/// <summary>Imported secrets are stored as a plain SHA-256, so they must resist guessing (RFC 6749 §10.10, RFC 9700 §4.15).</summary>
public sealed class ClientSecretPolicyTests
{
    [Fact]
    public void FindWeakness_GeneratedSecret_IsNone()
    {
        Assert.Null(ClientSecretPolicy.FindWeakness(SecureToken.Generate()));
    }

    [Fact]
    public void FindWeakness_ShorterThan32Characters_IsReported()
    {
        Assert.NotNull(ClientSecretPolicy.FindWeakness(SecureToken.Generate()[..31]));
    }

    [Fact]
    public void FindWeakness_LongerThanTheAuthenticatorAccepts_IsReported()
    {
        // A secret the token endpoint would refuse to read must not be registrable.
        var secret = string.Concat(Enumerable.Repeat(SecureToken.Generate(), 12))[..(ClientAuthenticator.MaxSecretLength + 1)];

        Assert.NotNull(ClientSecretPolicy.FindWeakness(secret));
    }

    [Theory]
    [InlineData(' ')]
    [InlineData('\t')]
    [InlineData('\u00e9')]
    [InlineData('\u007f')]
    public void FindWeakness_SpaceControlOrNonAscii_IsReported(char c)
    {
        Assert.NotNull(ClientSecretPolicy.FindWeakness(SecureToken.Generate()[..40] + c));
    }

    [Theory]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("abababababababababababababababababababab")]
    [InlineData("password1234password1234password1234")]
    public void FindWeakness_RepetitiveSecret_IsReported(string secret)
    {
        Assert.NotNull(ClientSecretPolicy.FindWeakness(secret));
    }

    [Fact]
    public void FindWeakness_ExactlyAtTheEntropyFloor_IsNone()
    {
        // 16 distinct characters twice each: 32 × log2(16) = 128 bits, the minimum.
        Assert.Null(ClientSecretPolicy.FindWeakness("0123456789abcdef0123456789abcdef"));
    }

    [Fact]
    public void FindWeakness_BelowTheEntropyFloor_IsReported()
    {
        // 8 distinct characters four times each: 32 × log2(8) = 96 bits.
        Assert.NotNull(ClientSecretPolicy.FindWeakness("01234567012345670123456701234567"));
    }

    [Theory]
    [InlineData("aaaa", 0)]
    [InlineData("ab", 2)]
    [InlineData("0123456789abcdef0123456789abcdef", 128)]
    public void EstimateEntropyBits_KnownDistribution_IsShannonEntropyTimesLength(string secret, double bits)
    {
        Assert.Equal(bits, ClientSecretPolicy.EstimateEntropyBits(secret), precision: 9);
    }
}
