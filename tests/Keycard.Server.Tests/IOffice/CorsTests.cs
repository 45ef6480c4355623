using System.Net;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.IOffice;

public sealed class CorsTests : IOfficeTestBase
{
    [Theory]
    [InlineData("/external/api/oauth2/token", "x-grant-type,x-client-id,x-redirect-uri,x-scope,x-auth-code")]
    [InlineData("/external/api/oauth2/auth", "x-auth-username,x-auth-password,x-client-id")]
    [InlineData("/external/api/oauth2/revoke", "x-token")]
    [InlineData("/external/api/rest/v2/users/me", "x-access-token")]
    public async Task Preflight_RegisteredOrigin_AllowsTheEndpointsHeaders(string path, string headers)
    {
        using var request = Preflight(path, KeycardFactory.Origin, path.Contains("/rest/", StringComparison.Ordinal) ? "GET" : "POST", headers);

        using var response = await Client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(KeycardFactory.Origin, Single(response, "Access-Control-Allow-Origin"));
        var allowed = Single(response, "Access-Control-Allow-Headers").Split(',', StringSplitOptions.TrimEntries);
        foreach (var header in headers.Split(','))
        {
            Assert.Contains(header, allowed, StringComparer.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Preflight_UnregisteredOrigin_GetsNoCorsHeaders()
    {
        using var request = Preflight("/external/api/oauth2/token", "https://evil.example.com", "POST", "x-grant-type");

        using var response = await Client.Http.SendAsync(request);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Preflight_UnknownHeader_IsNotAllowed()
    {
        using var request = Preflight("/external/api/oauth2/token", KeycardFactory.Origin, "POST", "x-something-else");

        using var response = await Client.Http.SendAsync(request);

        var allowedHeaders = response.Headers.TryGetValues("Access-Control-Allow-Headers", out var values) ? string.Join(",", values) : "";
        Assert.DoesNotContain("x-something-else", allowedHeaders, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ActualRequest_RegisteredOrigin_CarriesAllowOrigin()
    {
        var tokens = await Client.SignInAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/external/api/rest/v2/users/me");
        request.Headers.Add("Origin", KeycardFactory.Origin);
        request.Headers.Add("x-access-token", tokens.AccessToken);

        using var response = await Client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(KeycardFactory.Origin, Single(response, "Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Preflight(string path, string origin, string method, string headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }

    private static string Single(HttpResponseMessage response, string header) =>
        Assert.Single(response.Headers.GetValues(header));
}
