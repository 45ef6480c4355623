using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.AspNetCore.Tests;

/// <summary>
/// A stand-in for Keycard's metadata and JWKS endpoints, counting fetches; <see cref="Kids"/> is what the JWKS
/// publishes (change it to rotate or retire keys). Also the HTTP client factory Keycard.AspNetCore is given.
/// </summary>
internal sealed class StubKeycard : HttpMessageHandler, IHttpClientFactory
{
    public const string Authority = "https://auth.example.com";

    /// <summary>One RSA key per <c>kid</c>, made on first use and shared by every stub of the run.</summary>
    private static readonly ConcurrentDictionary<string, RSA> Keys = new(StringComparer.Ordinal);

    private int _metadataFetches;
    private int _jwksFetches;

    public IReadOnlyList<string> Kids { get; set; } = [];

    public string Issuer { get; init; } = Authority;

    public bool Failing { get; init; }

    public int MetadataFetches => Volatile.Read(ref _metadataFetches);

    public int JwksFetches => Volatile.Read(ref _jwksFetches);

    public KeycardSigningKeys SigningKeys() => new(this, TimeProvider.System, NullLogger<KeycardSigningKeys>.Instance);

    /// <summary>Signs with the key of <paramref name="kid"/>.</summary>
    public static SigningCredentials Credentials(string kid) =>
        new(new RsaSecurityKey(KeyOf(kid)) { KeyId = kid }, SecurityAlgorithms.RsaSha256);

    private static RSA KeyOf(string kid) => Keys.GetOrAdd(kid, _ => RSA.Create(2048));

    private static string Jwk(string kid)
    {
        var key = KeyOf(kid).ExportParameters(false);
        return $$"""{"kty":"RSA","use":"sig","alg":"RS256","kid":"{{kid}}","n":"{{Base64UrlEncoder.Encode(key.Modulus)}}","e":"{{Base64UrlEncoder.Encode(key.Exponent)}}"}""";
    }

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
                body = "{\"keys\":[" + string.Join(',', Kids.Select(Jwk)) + "]}";
                break;
            default:
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
        }

        return Task.FromResult(Failing
            ? new HttpResponseMessage(HttpStatusCode.InternalServerError)
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
    }
}
