using Keycard.Core.Security;

namespace Keycard.Core.Tests.Security;

/// <summary>RFC 7636 (PKCE): verifier syntax §4.1, S256 challenge §4.2, verification §4.6; plain is not offered (RFC 9700 §2.1.1).</summary>
public sealed class PkceTests
{
    // RFC 7636 Appendix B.
    private const string AppendixBVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private const string AppendixBChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    [Fact]
    public void ComputeChallenge_Rfc7636AppendixB_MatchesTheRfc()
    {
        Assert.Equal(AppendixBChallenge, Pkce.ComputeChallenge(AppendixBVerifier));
    }

    [Fact]
    public void Verify_MatchingVerifier_IsTrue()
    {
        Assert.True(Pkce.Verify(AppendixBVerifier, AppendixBChallenge));
    }

    [Fact]
    public void Verify_OtherVerifier_IsFalse()
    {
        Assert.False(Pkce.Verify(AppendixBVerifier[..^1] + "A", AppendixBChallenge));
    }

    [Fact]
    public void Verify_PlainMethodChallengeEqualToVerifier_IsFalse()
    {
        // RFC 9700 §2.1.1: only S256; a challenge equal to the verifier (RFC 7636 "plain") is not honoured.
        Assert.False(Pkce.Verify(AppendixBVerifier, AppendixBVerifier));
    }

    [Fact]
    public void Verify_InvalidVerifierEvenWithItsOwnChallenge_IsFalse()
    {
        // RFC 7636 §4.1: a verifier shorter than 43 characters is not a verifier, whatever its hash.
        var shortVerifier = new string('a', 42);

        Assert.False(Pkce.Verify(shortVerifier, Pkce.ComputeChallenge(shortVerifier)));
    }

    [Theory]
    [InlineData(43)]
    [InlineData(128)]
    public void IsValidVerifier_LengthWithinRange_IsTrue(int length)
    {
        Assert.True(Pkce.IsValidVerifier(new string('a', length)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(42)]
    [InlineData(129)]
    public void IsValidVerifier_LengthOutsideRange_IsFalse(int length)
    {
        // RFC 7636 §4.1: code-verifier = 43*128unreserved.
        Assert.False(Pkce.IsValidVerifier(new string('a', length)));
    }

    [Fact]
    public void IsValidVerifier_AllUnreservedCharacters_IsTrue()
    {
        // RFC 7636 §4.1: unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~".
        Assert.True(Pkce.IsValidVerifier("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"));
    }

    [Theory]
    [InlineData('+')]
    [InlineData('/')]
    [InlineData('=')]
    [InlineData(' ')]
    [InlineData('%')]
    [InlineData('\u00e9')]
    [InlineData('\u0661')]
    public void IsValidVerifier_ReservedOrNonAsciiCharacter_IsFalse(char c)
    {
        Assert.False(Pkce.IsValidVerifier(new string('a', 42) + c));
    }

    [Fact]
    public void IsValidChallenge_S256Challenge_IsTrue()
    {
        Assert.True(Pkce.IsValidChallenge(AppendixBChallenge));
    }

    [Theory]
    [InlineData("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c")]
    [InlineData("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cMM")]
    [InlineData("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM")]
    [InlineData("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c=")]
    [InlineData("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw.cM")]
    [InlineData("")]
    public void IsValidChallenge_NotBase64UrlOfASha256_IsFalse(string challenge)
    {
        // RFC 7636 §4.2: BASE64URL-ENCODE(SHA256(...)) without padding is exactly 43 base64url characters.
        Assert.False(Pkce.IsValidChallenge(challenge));
    }
}
