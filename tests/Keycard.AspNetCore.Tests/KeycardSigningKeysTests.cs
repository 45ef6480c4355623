using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
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
    private const string Authority = "https://auth.example.com";

    private static readonly KeycardAuthenticationOptions Options = new() { Authority = Authority, Resource = "https://api.example.com/" };

    [Fact]
    public async Task For_KnownKid_ReadsTheMetadataOnceAndCaches()
    {
        var keycard = new StubKeycard { Kids = ["k1"] };
        var keys = keycard.SigningKeys();

        var first = await keys.ForAsync(Token("k1"), Options, CancellationToken.None);
        var second = await keys.ForAsync(Token("k1"), Options, CancellationToken.None);

        Assert.Equal(Authority, first!.Issuer);
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

    private sealed class StubKeycard : HttpMessageHandler, IHttpClientFactory
    {
        private static readonly RSAParameters Key = RSA.Create(2048).ExportParameters(false);
        private int _metadataFetches;
        private int _jwksFetches;

        public IReadOnlyList<string> Kids { get; set; } = [];

        public string Issuer { get; init; } = Authority;

        public bool Failing { get; init; }

        public int MetadataFetches => Volatile.Read(ref _metadataFetches);

        public int JwksFetches => Volatile.Read(ref _jwksFetches);

        public KeycardSigningKeys SigningKeys() => new(this, TimeProvider.System, NullLogger<KeycardSigningKeys>.Instance);

        public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string body;
            switch (request.RequestUri!.AbsolutePath)
            {
                case KeycardSigningKeys.MetadataPath:
                    Interlocked.Increment(ref _metadataFetches);
                    body = $$"""{"issuer":"{{Issuer}}","jwks_uri":"{{Authority}}/.well-known/jwks.json"}""";
                    break;
                case "/.well-known/jwks.json":
                    Interlocked.Increment(ref _jwksFetches);
                    var n = Base64UrlEncoder.Encode(Key.Modulus);
                    var e = Base64UrlEncoder.Encode(Key.Exponent);
                    body = "{\"keys\":[" + string.Join(',', Kids.Select(kid => $$"""{"kty":"RSA","use":"sig","alg":"RS256","kid":"{{kid}}","n":"{{n}}","e":"{{e}}"}""")) + "]}";
                    break;
                default:
                    return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
            }

            return Task.FromResult(Failing
                ? new HttpResponseMessage(HttpStatusCode.InternalServerError)
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
