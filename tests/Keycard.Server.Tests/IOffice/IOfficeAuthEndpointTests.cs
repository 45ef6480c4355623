using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.IOffice;

public sealed class IOfficeAuthEndpointTests : IOfficeTestBase
{
    [Fact]
    public async Task Auth_RightPassword_ReturnsCode()
    {
        using var response = await Client.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, KeycardFactory.PublicClientId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("code").GetString()!.Length >= 43);
    }

    [Fact]
    public async Task Auth_WrongPasswordAndUnknownUser_AnswerIdentically()
    {
        using var wrong = await Client.AuthAsync(KeycardFactory.UserName, "wrong password", KeycardFactory.PublicClientId);
        using var unknown = await Client.AuthAsync("nobody", "wrong password", KeycardFactory.PublicClientId);

        Assert.Equal(wrong.StatusCode, unknown.StatusCode);
        Assert.Equal(await wrong.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());
        await ResponseAssert.ErrorAsync(wrong, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Theory]
    [InlineData(null, KeycardFactory.Password)]
    [InlineData(KeycardFactory.UserName, null)]
    public async Task Auth_MissingCredential_IsInvalidRequest(string? user, string? password)
    {
        using var response = await Client.AuthAsync(user, password, KeycardFactory.PublicClientId);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Auth_MissingClientId_IsInvalidRequest()
    {
        using var response = await Client.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, null);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Auth_UnknownClient_IsInvalidClient401()
    {
        using var response = await Client.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, "nobody");

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task Auth_ConfidentialClientWithoutSecret_IsInvalidClient401()
    {
        using var response = await Client.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, KeycardFactory.ConfidentialClientId);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task Auth_ConfidentialClientWithSecret_ReturnsCode()
    {
        var code = await Client.GetCodeAsync(KeycardFactory.ConfidentialClientId, Factory.ConfidentialSecret);

        Assert.False(string.IsNullOrEmpty(code));
    }

    [Fact]
    public async Task Auth_DisabledUser_IsRefusedLikeAWrongPassword()
    {
        await Factory.WithScopeAsync(sp => sp.GetRequiredService<Keycard.Storage.Users.UserAdministration>()
            .SetDisabledAsync(KeycardFactory.UserName, true, CancellationToken.None));

        using var response = await Client.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, KeycardFactory.PublicClientId);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Auth_ScopeOutsideClientsRegisteredScopes_IsInvalidScope()
    {
        await Factory.AddClientAsync(KeycardFactory.NewClient("scoped") with { AllowedScopes = ["email"] });

        using var response = await Client.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, "scoped",
            extra: new Dictionary<string, string> { ["x-scope"] = "admin" });

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_scope");
    }

    [Fact]
    public async Task Token_ScopeOutsideClientsRegisteredScopes_IsInvalidScope()
    {
        await Factory.AddClientAsync(KeycardFactory.NewClient("scoped") with { AllowedScopes = ["email"] });
        var code = await Client.GetCodeAsync("scoped");

        using var refused = await Client.ExchangeAsync(code, "scoped", scope: "admin");
        await ResponseAssert.ErrorAsync(refused, HttpStatusCode.BadRequest, "invalid_scope");
    }

    [Fact]
    public async Task Auth_CodeExchangedWithScopeNamedAtTokenTime_GrantsThatScope()
    {
        var code = await Client.GetCodeAsync();

        using var response = await Client.ExchangeAsync(code, scope: "email profile");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("email profile", body.GetProperty("scope").GetString());
    }
}
