using System.Text;
using Keycard.Core.Signing;
using Keycard.Core.Tokens;

namespace Keycard.Core.Tests.Tokens;

/// <summary>The typed claims of a JWT access token write the payload the dictionary of claims wrote before them (RFC 9068 §2.2).</summary>
public sealed class JwtAccessTokenClaimsTests
{
    public static TheoryData<string, long?> ScopesAndAuthTimes => new()
    {
        { "reports email", 1764500000L },
        { "reports", null },
        { string.Empty, 1764500000L },
        { string.Empty, null },
        { "é \"quoted\" <script>", null },
    };

    [Theory]
    [MemberData(nameof(ScopesAndAuthTimes))]
    public void WriteTo_AnyClaims_IsTheJsonOfTheDictionaryTheFactoryBuiltBefore(string scope, long? authTime)
    {
        var claims = new JwtAccessTokenClaims("https://keycard.example/é", "42", "https://api.example/", "svc", "AZW3jBhXr2o0", 1764500100, 1764503700, scope, authTime);
        // The claims exactly as TokenFactory built them as a Dictionary<string, object> before the typed claims.
        var before = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["iss"] = "https://keycard.example/é",
            ["sub"] = "42",
            ["aud"] = "https://api.example/",
            ["client_id"] = "svc",
            ["jti"] = "AZW3jBhXr2o0",
            ["iat"] = 1764500100L,
            ["exp"] = 1764503700L,
        };
        if (scope.Length > 0)
        {
            before["scope"] = scope;
        }

        if (authTime is { } time)
        {
            before["auth_time"] = time;
        }

        var typed = Encoding.UTF8.GetString(JwtPayloadWriter.Write(claims));
        var dictionary = Encoding.UTF8.GetString(JwtPayloadWriter.Write(new DictionaryJwtClaims(before)));

        Assert.Equal(dictionary, typed);
        Assert.Equal(before, claims.ToDictionary());
        Assert.Equal(dictionary, Encoding.UTF8.GetString(JwtPayloadWriter.Write(new DictionaryJwtClaims(claims.ToDictionary()))));
    }

    [Fact]
    public void WriteTo_AllClaims_AreInRfc9068OrderWithNumbersAsNumbers()
    {
        var claims = new JwtAccessTokenClaims("https://keycard.example", "svc", "https://keycard.example", "svc", "jti-1", 100, 3700, "api", 50);

        Assert.Equal(
            """{"iss":"https://keycard.example","sub":"svc","aud":"https://keycard.example","client_id":"svc","jti":"jti-1","iat":100,"exp":3700,"scope":"api","auth_time":50}""",
            Encoding.UTF8.GetString(JwtPayloadWriter.Write(claims)));
    }
}
