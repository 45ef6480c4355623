using System.Net;
using System.Text.Json;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.IOffice;

/// <summary>
/// The iOFFICE dialect's error descriptions name the header the client sent (x-grant-type), not the RFC 6749 form
/// parameter (grant_type) the standard dialect names. The guide documents no error texts, so these are Keycard's own.
/// </summary>
public sealed class IOfficeErrorTextTests : IOfficeTestBase
{
    [Fact]
    public async Task Token_MissingGrantType_NamesTheXGrantTypeHeader()
    {
        var code = await Client.GetCodeAsync();

        using var response = await Client.ExchangeAsync(code, extra: new Dictionary<string, string> { ["x-grant-type"] = "" });

        var description = await DescriptionAsync(response, "invalid_request");
        Assert.Equal("The x-grant-type is missing.", description);
    }

    [Fact]
    public async Task Token_MissingClientId_NamesTheXClientIdHeader()
    {
        var code = await Client.GetCodeAsync();

        using var response = await Client.ExchangeAsync(code, clientId: null!);

        var description = await DescriptionAsync(response, "invalid_request");
        Assert.Equal("The x-client-id is missing.", description);
    }

    [Fact]
    public async Task Auth_MissingClientId_NamesTheXClientIdHeader()
    {
        using var response = await Client.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, null);

        var description = await DescriptionAsync(response, "invalid_request");
        Assert.Equal("The x-client-id is missing.", description);
    }

    [Fact]
    public async Task Auth_MalformedCodeChallenge_NamesTheXCodeChallengeHeader()
    {
        using var response = await Client.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, KeycardFactory.PublicClientId,
            extra: new Dictionary<string, string> { ["x-code-challenge"] = "short" });

        var description = await DescriptionAsync(response, "invalid_request");
        Assert.Contains("x-code-challenge", description, StringComparison.Ordinal);
        Assert.DoesNotContain("code_challenge ", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_ChallengedCodeWithoutVerifier_NamesTheXCodeVerifierHeader()
    {
        using var auth = await Client.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, KeycardFactory.PublicClientId,
            extra: new Dictionary<string, string> { ["x-code-challenge"] = OAuthForms.Challenge });
        var code = JsonDocument.Parse(await auth.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString();

        using var response = await Client.ExchangeAsync(code);

        var description = await DescriptionAsync(response, "invalid_grant");
        Assert.Contains("x-code-verifier", description, StringComparison.Ordinal);
        Assert.DoesNotContain("code_verifier", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_WrongVerifier_NamesTheXCodeVerifierHeader()
    {
        using var auth = await Client.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, KeycardFactory.PublicClientId,
            extra: new Dictionary<string, string> { ["x-code-challenge"] = OAuthForms.Challenge });
        var code = JsonDocument.Parse(await auth.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString();

        using var response = await Client.ExchangeAsync(code, extra: new Dictionary<string, string> { ["x-code-verifier"] = new string('a', 43) });

        var description = await DescriptionAsync(response, "invalid_grant");
        Assert.Equal("The x-code-verifier does not match the code_challenge.", description);
    }

    [Fact]
    public async Task StandardToken_MissingGrantType_StillNamesTheFormParameter()
    {
        using var response = await Client.Http.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = KeycardFactory.PublicClientId,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("The grant_type is missing.", body.RootElement.GetProperty("error_description").GetString());
    }

    private static async Task<string> DescriptionAsync(HttpResponseMessage response, string error)
    {
        Assert.Equal(error, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("errorDescription").GetString()!;
    }
}
