using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.AspNetCore.Tests;

/// <summary>
/// <see cref="KeycardAccessTokenValidator"/> remembers a token it found valid, with the key set it checked it against:
/// the expiry is still checked on every use, and a new key set (a retired key) is checked afresh.
/// </summary>
public sealed class KeycardAccessTokenValidatorCacheTests
{
    private const string Resource = "https://workplaces.example.com/";

    private static readonly KeycardAuthenticationOptions Options = new() { Authority = StubKeycard.Authority, Resource = Resource, ClockSkew = TimeSpan.Zero };

    private static JsonWebToken Mint(string kid, DateTime expires) => new(new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Claims = new Dictionary<string, object>
        {
            ["iss"] = StubKeycard.Authority,
            ["aud"] = Resource,
            ["sub"] = "7",
            ["client_id"] = "spa",
            ["jti"] = Guid.NewGuid().ToString("N"),
        },
        TokenType = "at+jwt",
        IssuedAt = DateTime.UtcNow.AddMinutes(-1),
        NotBefore = DateTime.UtcNow.AddMinutes(-1),
        Expires = expires,
        SigningCredentials = StubKeycard.Credentials(kid),
    }));

    [Fact]
    public async Task Validate_RememberedTokenPastItsExp_IsExpired()
    {
        var clock = new ManualClock { Now = DateTimeOffset.UtcNow };
        var validator = new KeycardAccessTokenValidator(new StubKeycard { Kids = ["k1"] }.SigningKeys(), clock, NullLogger<KeycardAccessTokenValidator>.Instance);
        var token = Mint("k1", DateTime.UtcNow.AddMinutes(1));

        var first = await validator.ValidateAsync(token, Options, CancellationToken.None);
        clock.Now += TimeSpan.FromMinutes(2);
        var later = await validator.ValidateAsync(token, Options, CancellationToken.None);

        Assert.Equal(KeycardTokenStatus.Valid, first.Status);
        Assert.Equal(KeycardTokenStatus.Expired, later.Status);
    }

    [Fact]
    public async Task Validate_RememberedTokenAfterItsKeyIsRetired_IsInvalid()
    {
        var keycard = new StubKeycard { Kids = ["k1"] };
        var validator = new KeycardAccessTokenValidator(keycard.SigningKeys(), TimeProvider.System, NullLogger<KeycardAccessTokenValidator>.Instance);
        var token = Mint("k1", DateTime.UtcNow.AddMinutes(5));
        var first = await validator.ValidateAsync(token, Options, CancellationToken.None);

        // `keycard keys retire k1`: the JWKS no longer has it; a token of the new key makes the API fetch it again.
        keycard.Kids = ["k2"];
        var newKey = await validator.ValidateAsync(Mint("k2", DateTime.UtcNow.AddMinutes(5)), Options, CancellationToken.None);
        var retired = await validator.ValidateAsync(token, Options, CancellationToken.None);

        Assert.Equal(KeycardTokenStatus.Valid, first.Status);
        Assert.Equal(KeycardTokenStatus.Valid, newKey.Status);
        Assert.Equal(KeycardTokenStatus.Invalid, retired.Status);
    }

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
