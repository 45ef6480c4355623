using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Keycard.Core.Signing;
using Keycard.Core.Tests.Fakes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.Core.Tests.Signing;

/// <summary>The prepared signing path (issue 16's performance work) writes a standard JWS (RFC 7515 §7.1) that Microsoft.IdentityModel validates.</summary>
public sealed class JwsSigningKeyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, object> Claims() => new(StringComparer.Ordinal)
    {
        ["iss"] = "https://keycard.example/",
        ["sub"] = "42",
        ["aud"] = "https://api.example/",
        ["iat"] = Now.ToUnixTimeSeconds(),
        ["exp"] = Now.AddMinutes(5).ToUnixTimeSeconds(),
        ["amr"] = new[] { "pwd" },
        ["scope"] = "email profile+x \"quoted\" é",
    };

    [Theory]
    [InlineData(SigningAlgorithms.RS256)]
    [InlineData(SigningAlgorithms.ES256)]
    public async Task Sign_PreparedKey_ValidatesWithJsonWebTokenHandlerAndHasTheHeader(string algorithm)
    {
        var ring = new FixedSigningKeyRing(Now);
        var key = algorithm == SigningAlgorithms.ES256 ? ring.EcKey : ring.Key;
        var prepared = JwsSigningKey.TryCreate(key);
        Assert.NotNull(prepared);

        var jwt = prepared.Sign("at+jwt", Claims());

        var result = await ValidateAsync(jwt, PublicOnly(key));
        Assert.True(result.IsValid, result.Exception?.Message);
        var token = (JsonWebToken)result.SecurityToken;
        Assert.Equal(algorithm, token.Alg);
        Assert.Equal(key.KeyId, token.Kid);
        Assert.Equal("at+jwt", token.Typ);
        Assert.Equal("42", token.Subject);
        Assert.Equal("https://keycard.example/", token.Issuer);
        Assert.Equal(["https://api.example/"], token.Audiences);
        Assert.Equal(Now.ToUnixTimeSeconds(), token.GetPayloadValue<long>("iat"));
        Assert.Equal(Now.AddMinutes(5).ToUnixTimeSeconds(), token.GetPayloadValue<long>("exp"));
        Assert.Equal("email profile+x \"quoted\" é", token.GetPayloadValue<string>("scope"));
        Assert.Equal(["pwd"], token.GetPayloadValue<string[]>("amr"));
    }

    [Fact]
    public void Sign_Header_IsExactlyAlgKidTyp()
    {
        var ring = new FixedSigningKeyRing(Now);

        var jwt = JwsSigningKey.TryCreate(ring.EcKey)!.Sign("JWT", Claims());

        var header = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(jwt.Split('.')[0]));
        Assert.Equal("""{"alg":"ES256","kid":"test-ec-key","typ":"JWT"}""", header);
    }

    [Fact]
    public void Sign_Es256_SignatureIsTheFixed64ByteRConcatS()
    {
        // RFC 7518 §3.4: the JWS signature of ES256 is R || S, 32 bytes each, not DER.
        var jwt = JwsSigningKey.TryCreate(new FixedSigningKeyRing(Now).EcKey)!.Sign("JWT", Claims());

        Assert.Equal(64, Base64UrlEncoder.DecodeBytes(jwt.Split('.')[2]).Length);
    }

    [Fact]
    public void Sign_SameInput_PayloadIsTheJsonOfTheClaimsInOrder()
    {
        var jwt = JwsSigningKey.TryCreate(new FixedSigningKeyRing(Now).Key)!.Sign("JWT", new Dictionary<string, object> { ["sub"] = "1", ["n"] = 7, ["ok"] = true, ["x"] = 1.5 });

        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(jwt.Split('.')[1]));
        Assert.Equal("""{"sub":"1","n":7,"ok":true,"x":1.5}""", payload);
    }

    [Fact]
    public async Task TryCreate_RsaKeyGivenAsParameters_SignsWithThem()
    {
        using var rsa = RSA.Create(2048);
        var securityKey = new RsaSecurityKey(rsa.ExportParameters(true)) { KeyId = "params" };
        var key = new SigningKey("params", SigningAlgorithms.RS256, "{}", securityKey, Now, Now, Now.AddDays(1), Now.AddDays(2));

        var jwt = JwsSigningKey.TryCreate(key)!.Sign("JWT", Claims());

        Assert.True((await ValidateAsync(jwt, new RsaSecurityKey(rsa.ExportParameters(false)))).IsValid);
    }

    [Fact]
    public void TryCreate_EcKeyNotOnP256_IsNotPrepared()
    {
        // RFC 7518 §3.4: ES256 is P-256 only; another curve goes through the general path (which refuses it).
        var key = new SigningKey("p384", SigningAlgorithms.ES256, "{}", new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP384)), Now, Now, Now.AddDays(1), Now.AddDays(2));

        Assert.Null(JwsSigningKey.TryCreate(key));
    }

    [Fact]
    public void TryCreate_AlgorithmAndKeyTypeDisagree_IsNotPrepared()
    {
        var ring = new FixedSigningKeyRing(Now);

        Assert.Null(JwsSigningKey.TryCreate(ring.Key with { Algorithm = SigningAlgorithms.ES256 }));
        Assert.Null(JwsSigningKey.TryCreate(ring.EcKey with { Algorithm = SigningAlgorithms.RS256 }));
    }

    [Theory]
    [InlineData(SigningAlgorithms.RS256)]
    [InlineData(SigningAlgorithms.ES256)]
    public async Task Sign_ManyThreadsAtOnce_EveryTokenValidates(string algorithm)
    {
        var ring = new FixedSigningKeyRing(Now);
        var key = algorithm == SigningAlgorithms.ES256 ? ring.EcKey : ring.Key;
        var signer = new JwtSigner(ring);

        var tokens = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() => signer.Sign(key, "JWT", new Dictionary<string, object> { ["sub"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }))));

        for (var i = 0; i < tokens.Length; i++)
        {
            var result = await ValidateAsync(tokens[i], PublicOnly(key));
            Assert.True(result.IsValid, result.Exception?.Message);
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), ((JsonWebToken)result.SecurityToken).Subject);
        }
    }

    [Fact]
    public void Sign_SameClaims_PayloadMatchesJsonWebTokenHandlers()
    {
        // The prepared path and Microsoft.IdentityModel's CreateToken write the same header and payload JSON values.
        var key = new FixedSigningKeyRing(Now).Key;
        var mine = JwsSigningKey.TryCreate(key)!.Sign("at+jwt", Claims()).Split('.');
        var theirs = JwtSigner.SignWithHandler(key, "at+jwt", Claims()).Split('.');

        Assert.Equal(Json(theirs[0]), Json(mine[0]));
        Assert.Equal(Json(theirs[1]), Json(mine[1]));
    }

    private static string Json(string part)
    {
        using var document = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(part));
        return JsonSerializer.Serialize(document.RootElement.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).ToDictionary(p => p.Name, p => p.Value));
    }

    private static SecurityKey PublicOnly(SigningKey key) => key.Key switch
    {
        RsaSecurityKey rsa => new RsaSecurityKey(rsa.Rsa.ExportParameters(false)),
        ECDsaSecurityKey ec => new ECDsaSecurityKey(ECDsa.Create(ec.ECDsa.ExportParameters(false))),
        _ => throw new InvalidOperationException(),
    };

    private static Task<TokenValidationResult> ValidateAsync(string jwt, SecurityKey key) =>
        new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
        });
}
