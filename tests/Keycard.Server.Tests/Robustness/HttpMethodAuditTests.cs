using System.Net;
using System.Text.Json;
using Keycard.Server.Tests.OAuth;

namespace Keycard.Server.Tests.Robustness;

/// <summary>
/// RFC 9110 §9.1: "All general-purpose servers MUST support the methods GET and HEAD"; §9.3.2: HEAD is GET without
/// content. Every GET endpoint answers HEAD as it answers GET; other methods stay 405 with Allow (§15.5.6).
/// </summary>
public sealed class HttpMethodAuditTests : OAuthTestBase
{
    [Theory]
    [InlineData("/.well-known/openid-configuration", HttpStatusCode.OK)]
    [InlineData("/.well-known/oauth-authorization-server", HttpStatusCode.OK)]
    [InlineData("/.well-known/jwks.json", HttpStatusCode.OK)]
    [InlineData("/", HttpStatusCode.OK)]
    [InlineData("/external/api/oauth2/tokeninfo", HttpStatusCode.Unauthorized)]
    [InlineData("/external/api/rest/v2/users/me", HttpStatusCode.Unauthorized)]
    [InlineData("/oauth2/userinfo", HttpStatusCode.Unauthorized)]
    [InlineData("/login.html", HttpStatusCode.BadRequest)]
    public async Task Head_GetEndpoint_AnswersAsGetDoes(string path, HttpStatusCode status)
    {
        using var get = await Http.GetAsync(path);
        using var head = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(status, get.StatusCode);
        Assert.Equal(get.StatusCode, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Equal(get.Headers.CacheControl, head.Headers.CacheControl);
    }

    [Theory]
    [InlineData("/external/api/oauth2/token", "POST")]
    [InlineData("/oauth2/token", "POST")]
    [InlineData("/oauth2/introspect", "POST")]
    public async Task Head_PostOnlyEndpoint_Is405WithAllow(string path, string allow)
    {
        using var head = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, head.StatusCode);
        Assert.Equal([allow], head.Content.Headers.Allow);
    }

    [Fact]
    public async Task OpenApiDocument_ListsNoHeadOperations()
    {
        using var response = await Http.GetAsync("/openapi/v1.json");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var methods = document.RootElement.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(o => o.Name)).ToList();
        Assert.Contains("get", methods);
        Assert.DoesNotContain("head", methods);
    }
}
