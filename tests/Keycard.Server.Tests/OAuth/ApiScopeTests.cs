using System.Net;
using System.Net.Http.Headers;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.OAuth;

/// <summary>RFC 6750 §3.1 insufficient_scope for API endpoints that name a required scope.</summary>
public sealed class ApiScopeTests : OAuthTestBase
{
    public override Task InitializeAsync()
    {
        Factory.Settings["Keycard:Api:UsersMeScope"] = "profile";
        return base.InitializeAsync();
    }

    private async Task<HttpResponseMessage> MeAsync(string scope)
    {
        var tokens = await SignInConfidentialAsync(scope);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/external/api/rest/v2/users/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("access_token").GetString());
        return await Http.SendAsync(request);
    }

    [Fact]
    public async Task UsersMe_TokenWithoutTheConfiguredScope_Is403InsufficientScope()
    {
        using var response = await MeAsync("email");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.StartsWith("Bearer ", challenge, StringComparison.Ordinal);
        Assert.Contains("error=\"insufficient_scope\"", challenge, StringComparison.Ordinal);
        Assert.Contains("scope=\"profile\"", challenge, StringComparison.Ordinal);
        await ResponseAssert.ErrorAsync(response, HttpStatusCode.Forbidden, "insufficient_scope");
    }

    [Fact]
    public async Task UsersMe_TokenWithTheConfiguredScope_Succeeds()
    {
        using var response = await MeAsync("email profile");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
