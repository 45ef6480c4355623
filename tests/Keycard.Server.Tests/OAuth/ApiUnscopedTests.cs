using System.Net;
using System.Net.Http.Headers;

namespace Keycard.Server.Tests.OAuth;

/// <summary>Without configuration <c>users/me</c> takes any valid token, whatever its scope.</summary>
public sealed class ApiUnscopedTests : OAuthTestBase
{
    [Fact]
    public async Task UsersMe_NoScopeConfigured_AcceptsATokenWithAnyScope()
    {
        var tokens = await SignInConfidentialAsync("email");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/external/api/rest/v2/users/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("access_token").GetString());

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
