using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Keycard.Core.Authorization;
using Keycard.Core.Storage;
using Keycard.Server.Tests.Infrastructure;
using Keycard.Server.Tests.IOffice;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Server.Tests.Security;

/// <summary>
/// A client registered with <c>--require-pkce</c> gets no code without a challenge and redeems none without a
/// verifier, on every path and in both dialects (RFC 7636 §4.4.1, RFC 9700 §2.1.1).
/// </summary>
public sealed class RequirePkceTests : IOfficeTestBase
{
    private const string StrictClientId = "strict";

    [Fact]
    public async Task PasswordCodeEndpoint_RequirePkceClientWithoutChallenge_IsInvalidRequestAndIssuesNoCode()
    {
        await AddStrictClientAsync();

        using var response = await Client.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, StrictClientId);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task PasswordCodeEndpoint_RequirePkceClientWithChallenge_IssuesACodeThatNeedsTheVerifier()
    {
        await AddStrictClientAsync();
        using var auth = await Client.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, StrictClientId,
            extra: new Dictionary<string, string> { ["x-code-challenge"] = OAuthForms.Challenge });
        Assert.Equal(HttpStatusCode.OK, auth.StatusCode);
        var code = (await auth.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();

        using var withoutVerifier = await Client.ExchangeAsync(code, StrictClientId);
        await ResponseAssert.ErrorAsync(withoutVerifier, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task LoginPage_RequirePkceClientWithoutChallenge_RedirectsInvalidRequest()
    {
        await AddStrictClientAsync();

        using var response = await Client.Http.GetAsync(LoginForm.Url(clientId: StrictClientId));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("invalid_request", LoginForm.FragmentOf(response.Headers.Location!)["error"]);
    }

    [Fact]
    public async Task IOfficeTokenEndpoint_RequirePkceClientCodeWithoutChallenge_IsInvalidGrant()
    {
        var code = await IssueCodeWithoutChallengeAsync();

        using var response = await Client.ExchangeAsync(code, StrictClientId);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task StandardTokenEndpoint_RequirePkceClientCodeWithoutChallenge_IsInvalidGrant()
    {
        var code = await IssueCodeWithoutChallengeAsync();
        var forms = new OAuthForms(Client.Http);

        using var response = await forms.TokenAsync(
            ("grant_type", "authorization_code"), ("code", code), ("client_id", StrictClientId), ("redirect_uri", KeycardFactory.RedirectUri));

        await OAuthForms.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    private Task AddStrictClientAsync() =>
        Factory.AddClientAsync(KeycardFactory.NewClient(StrictClientId) with { RequirePkce = true });

    /// <summary>A code with no challenge, as one issued before the client was registered to require PKCE.</summary>
    private async Task<string> IssueCodeWithoutChallengeAsync()
    {
        await AddStrictClientAsync();
        return await Factory.WithScopeAsync(async services =>
        {
            var client = await services.GetRequiredService<IClientStore>().FindAsync(StrictClientId, CancellationToken.None);
            var issued = await services.GetRequiredService<CodeIssuer>().IssueAsync(
                new CodeGrantBinding(client!, 1, KeycardFactory.RedirectUri, "email", null), CancellationToken.None);
            return issued.Code;
        });
    }
}
