using System.Net;
using System.Text.Json;
using Keycard.Server.Tests.OAuth;

namespace Keycard.Server.Tests.Robustness;

/// <summary>
/// A 404 (no endpoint at the path) and a 405 (the endpoint does not take the method; Allow lists those it takes,
/// RFC 9110 §15.5.6) carry an RFC 9457 problem details body instead of nothing; answers an endpoint left empty on
/// purpose stay empty, and HEAD stays without a body.
/// </summary>
public sealed class StatusCodeBodyTests : OAuthTestBase
{
    [Theory]
    [InlineData("/no-such-page")]
    [InlineData("/oauth2/no-such-endpoint")]
    [InlineData("/external/api/oauth2/no-such-endpoint")]
    public async Task UnknownPath_Get_Is404WithProblemDetails(string path)
    {
        using var response = await Http.GetAsync(path);

        var problem = await AssertProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("Not Found", problem.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("GET", "/external/api/oauth2/token", "POST")]
    [InlineData("DELETE", "/oauth2/token", "POST")]
    [InlineData("PUT", "/.well-known/openid-configuration", "GET, HEAD")]
    public async Task KnownPath_MethodItDoesNotTake_Is405WithProblemDetailsAndAllow(string method, string path, string allow)
    {
        using var response = await Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        var problem = await AssertProblemAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow));
        Assert.Contains(method, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/no-such-page", HttpStatusCode.NotFound)]
    [InlineData("/oauth2/token", HttpStatusCode.MethodNotAllowed)]
    public async Task Head_404Or405_HasTheGetHeadersAndNoBody(string path, HttpStatusCode status)
    {
        using var get = await Http.GetAsync(path);
        using var head = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(status, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task UserInfo_NoToken_Stays401WithAnEmptyBody()
    {
        // RFC 6750 §3.1: the bare challenge is the whole answer; status code pages must not fill it.
        using var response = await Http.GetAsync("/oauth2/userinfo");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"keycard\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Null(response.Content.Headers.ContentType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Revoke_UnknownToken_Stays200WithAnEmptyBody()
    {
        // RFC 7009 §2.2: the standard revocation answer is an empty 200.
        using var response = await Http.PostAsync("/oauth2/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = "unknown",
            ["client_id"] = Keycard.Server.Tests.Infrastructure.KeycardFactory.ConfidentialClientId,
            ["client_secret"] = Secret,
        }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        return problem;
    }
}
