using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.AspNetCore.Tests;

/// <summary>
/// <see cref="KeycardSigningKeys"/> against a stub Keycard that serves its RFC 8414 metadata and a JWKS whose keys
/// change (a rotation): counted fetches show that an unknown <c>kid</c> fetches again once, and that made-up
/// <c>kid</c>s cannot make the API fetch more often than once per refresh interval.
/// </summary>
public sealed class KeycardSigningKeysTests
{
    private static readonly KeycardAuthenticationOptions Options = new() { Authority = StubKeycard.Authority, Resource = "https://api.example.com/" };

    [Fact]
    public async Task For_KnownKid_ReadsTheMetadataOnceAndCaches()
    {
        var keycard = new StubKeycard { Kids = ["k1"] };
        var keys = keycard.SigningKeys();

        var first = await keys.ForAsync(Token("k1"), Options, CancellationToken.None);
        var second = await keys.ForAsync(Token("k1"), Options, CancellationToken.None);

        Assert.Equal(StubKeycard.Authority, first!.Issuer);
        Assert.Same(first, second);
        Assert.Equal(1, keycard.MetadataFetches);
        Assert.Equal(1, keycard.JwksFetches);
    }

    [Fact]
    public async Task For_KidPublishedAfterTheFirstFetch_FetchesAgainAndHasIt()
    {
        var keycard = new StubKeycard { Kids = ["k1"] };
        var keys = keycard.SigningKeys();
        await keys.ForAsync(Token("k1"), Options, CancellationToken.None);

        keycard.Kids = ["k1", "k2"];
        var after = await keys.ForAsync(Token("k2"), Options, CancellationToken.None);

        Assert.Contains(after!.SigningKeys, key => key.KeyId == "k2");
        Assert.Equal(2, keycard.MetadataFetches);
    }

    [Fact]
    public async Task For_ManyMadeUpKids_FetchOnceWithinTheRefreshInterval()
    {
        var keycard = new StubKeycard { Kids = ["k1"] };
        var keys = keycard.SigningKeys();
        await keys.ForAsync(Token("k1"), Options, CancellationToken.None);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            var configuration = await keys.ForAsync(Token("made-up-" + i), Options, CancellationToken.None);
            Assert.DoesNotContain(configuration!.SigningKeys, key => key.KeyId == "made-up-" + i);
        }

        // One fetch for the first use, one for the first unknown kid; the other 19 neither fetch nor wait for a
        // fetch that will not come (each would wait up to 5 s).
        Assert.Equal(2, keycard.MetadataFetches);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"20 made-up kids took {clock.Elapsed}");
    }

    [Fact]
    public async Task For_MetadataNamingAnotherIssuer_IsUnavailable()
    {
        // RFC 8414 §3.3: the issuer in the metadata MUST be the authority it was fetched from.
        var keycard = new StubKeycard { Kids = ["k1"], Issuer = "https://evil.example.com" };

        Assert.Null(await keycard.SigningKeys().ForAsync(Token("k1"), Options, CancellationToken.None));
    }

    [Fact]
    public async Task For_KeycardAnswering500_IsUnavailable()
    {
        var keycard = new StubKeycard { Kids = ["k1"], Failing = true };

        Assert.Null(await keycard.SigningKeys().ForAsync(Token("k1"), Options, CancellationToken.None));
    }

    private static JsonWebToken Token(string kid) =>
        new(Base64UrlEncoder.Encode($$"""{"alg":"RS256","typ":"at+jwt","kid":"{{kid}}"}""") + "." + Base64UrlEncoder.Encode("{}") + ".c2ln");
}
