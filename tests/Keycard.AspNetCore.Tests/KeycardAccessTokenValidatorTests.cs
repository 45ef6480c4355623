using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.AspNetCore.Tests;

/// <summary>
/// The RFC 9068 §4 rules of <see cref="KeycardAccessTokenValidator"/>, against a local key set (no Keycard): what a
/// JWT access token must be to pass, and that an expired one is only "expired" (403 the guide's way) when all else holds.
/// </summary>
public sealed class KeycardAccessTokenValidatorTests : IDisposable
{
    private const string Issuer = "https://auth.example.com";
    private const string Resource = "https://workplaces.example.com/";

    private static readonly JsonWebTokenHandler Handler = new();

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly ECDsa _ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly RsaSecurityKey _rsaKey;
    private readonly ECDsaSecurityKey _ecKey;
    private readonly KeycardAuthenticationOptions _options = new() { Authority = Issuer, Resource = Resource, ClockSkew = TimeSpan.Zero };

    public KeycardAccessTokenValidatorTests()
    {
        _rsaKey = new RsaSecurityKey(_rsa) { KeyId = "rsa-1" };
        _ecKey = new ECDsaSecurityKey(_ec) { KeyId = "ec-1" };
    }

    private SecurityKey[] Published => [_rsaKey, _ecKey];

    private static SecurityTokenDescriptor Descriptor(SigningCredentials? credentials, Action<Dictionary<string, object>>? change = null, string type = "at+jwt", DateTime? expires = null)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["aud"] = Resource,
            ["sub"] = "7",
            ["client_id"] = "spa",
            ["scope"] = "email",
            ["jti"] = "f3b2c1",
        };
        change?.Invoke(claims);
        return new SecurityTokenDescriptor
        {
            Claims = claims,
            TokenType = type,
            IssuedAt = (expires ?? now.AddMinutes(5)).AddMinutes(-10),
            NotBefore = (expires ?? now.AddMinutes(5)).AddMinutes(-10),
            Expires = expires ?? now.AddMinutes(5),
            SigningCredentials = credentials,
        };
    }

    private string Mint(Action<Dictionary<string, object>>? change = null, string type = "at+jwt", DateTime? expires = null, SigningCredentials? credentials = null) =>
        Handler.CreateToken(Descriptor(credentials ?? new SigningCredentials(_rsaKey, SecurityAlgorithms.RsaSha256), change, type, expires));

    private async Task<KeycardTokenStatus> CheckAsync(string token) =>
        (await KeycardAccessTokenValidator.ValidateAsync(new JsonWebToken(token), Issuer, Published, _options)).Check.Status;

    [Fact]
    public async Task Validate_KeycardShapedToken_IsValidWithSubjectClientAndScope()
    {
        var (check, rejection) = await KeycardAccessTokenValidator.ValidateAsync(new JsonWebToken(Mint()), Issuer, Published, _options);

        Assert.Equal(KeycardTokenStatus.Valid, check.Status);
        Assert.Null(rejection);
        Assert.Equal("7", check.Identity!.FindFirst("sub")!.Value);
        Assert.Equal("spa", check.Identity.FindFirst("client_id")!.Value);
        Assert.Equal("email", check.Identity.FindFirst("scope")!.Value);
    }

    [Fact]
    public async Task Validate_Es256Token_IsValid()
    {
        Assert.Equal(KeycardTokenStatus.Valid, await CheckAsync(Mint(credentials: new SigningCredentials(_ecKey, SecurityAlgorithms.EcdsaSha256))));
    }

    [Fact]
    public async Task Validate_AlgNone_IsInvalid()
    {
        // RFC 8725 §3.1: an unsigned JWT is never accepted.
        var unsigned = Handler.CreateToken(Descriptor(credentials: null));
        Assert.Equal("none", new JsonWebToken(unsigned).Alg);

        Assert.Equal(KeycardTokenStatus.Invalid, await CheckAsync(unsigned));
    }

    [Fact]
    public async Task Validate_HmacSignedWithAKeyInTheSet_IsInvalid()
    {
        // RFC 8725 §3.1/§2.1: only RS256 and ES256 are accepted, so a published key can never serve as an HMAC secret.
        var secret = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = "hs-1" };
        var token = Mint(credentials: new SigningCredentials(secret, SecurityAlgorithms.HmacSha256));

        var (check, _) = await KeycardAccessTokenValidator.ValidateAsync(new JsonWebToken(token), Issuer, [_rsaKey, secret], _options);

        Assert.Equal(KeycardTokenStatus.Invalid, check.Status);
    }

    [Fact]
    public async Task Validate_Rs512_IsInvalid()
    {
        Assert.Equal(KeycardTokenStatus.Invalid, await CheckAsync(Mint(credentials: new SigningCredentials(_rsaKey, SecurityAlgorithms.RsaSha512))));
    }

    [Theory]
    [InlineData("JWT")]
    [InlineData("keycard-upstream+jwt")]
    [InlineData("")]
    public async Task Validate_TypNotAtJwt_IsInvalid(string type)
    {
        // RFC 9068 §4: the typ header MUST be at+jwt; an ID token or the gateway's identity token is not an access token.
        Assert.Equal(KeycardTokenStatus.Invalid, await CheckAsync(Mint(type: type)));
    }

    [Fact]
    public async Task Validate_ApplicationAtJwtTyp_IsValid()
    {
        Assert.Equal(KeycardTokenStatus.Valid, await CheckAsync(Mint(type: "application/at+jwt")));
    }

    [Theory]
    [InlineData("iss", "https://evil.example.com")]
    [InlineData("aud", "https://other.example.com/")]
    [InlineData("aud", Issuer)]
    public async Task Validate_WrongIssuerOrAudience_IsInvalid(string claim, string value)
    {
        Assert.Equal(KeycardTokenStatus.Invalid, await CheckAsync(Mint(c => c[claim] = value)));
    }

    [Theory]
    [InlineData("sub")]
    [InlineData("client_id")]
    [InlineData("jti")]
    public async Task Validate_RequiredClaimMissing_IsInvalid(string claim)
    {
        // RFC 9068 §2.2: sub, client_id, iat and jti are REQUIRED.
        Assert.Equal(KeycardTokenStatus.Invalid, await CheckAsync(Mint(c => c.Remove(claim))));
    }

    [Fact]
    public async Task Validate_SignedByAnUnpublishedKey_IsInvalid()
    {
        using var foreign = RSA.Create(2048);
        var token = Mint(credentials: new SigningCredentials(new RsaSecurityKey(foreign) { KeyId = "rsa-1" }, SecurityAlgorithms.RsaSha256));

        Assert.Equal(KeycardTokenStatus.Invalid, await CheckAsync(token));
    }

    [Fact]
    public async Task Validate_ExpiredButOtherwiseGood_IsExpired()
    {
        Assert.Equal(KeycardTokenStatus.Expired, await CheckAsync(Mint(expires: DateTime.UtcNow.AddSeconds(-5))));
    }

    [Fact]
    public async Task Validate_ExpiredAndForAnotherAudience_IsInvalidNotExpired()
    {
        // The lifetime is checked first; a foreign token must not earn the 403 that makes a client refresh.
        Assert.Equal(KeycardTokenStatus.Invalid, await CheckAsync(Mint(c => c["aud"] = "https://other.example.com/", expires: DateTime.UtcNow.AddSeconds(-5))));
    }

    [Fact]
    public async Task Validate_ExpiredAndSignedByAnUnpublishedKey_IsInvalidNotExpired()
    {
        using var foreign = RSA.Create(2048);
        var token = Mint(expires: DateTime.UtcNow.AddSeconds(-5), credentials: new SigningCredentials(new RsaSecurityKey(foreign) { KeyId = "rsa-1" }, SecurityAlgorithms.RsaSha256));

        Assert.Equal(KeycardTokenStatus.Invalid, await CheckAsync(token));
    }

    public void Dispose()
    {
        _rsa.Dispose();
        _ec.Dispose();
    }
}
