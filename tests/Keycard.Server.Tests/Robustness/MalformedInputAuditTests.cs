using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Keycard.Server.Tests.OAuth;

namespace Keycard.Server.Tests.Robustness;

/// <summary>
/// Findings of the black-box malformed-input audit (session 9): each request here once answered a 500 or broke a
/// rule of the RFCs; bad input must get a clear 4xx with an error code, never a 500 or a stack trace.
/// </summary>
public sealed class MalformedInputAuditTests : OAuthTestBase
{
    /// <summary>
    /// OpenID Connect Core §5.3.1 / RFC 6750 §2.2: the UserInfo endpoint reads a posted form for its access_token; a
    /// form the parser refuses (a NUL, too many fields, a key or value over the limits) is the client's error, 400
    /// invalid_request with the RFC 6750 §3 challenge, not an unhandled exception.
    /// </summary>
    [Theory]
    [InlineData("access_token=%00")]
    [InlineData("a=%00")]
    [InlineData("many")]
    [InlineData("longkey")]
    [InlineData("longvalue")]
    public async Task UserInfo_PostedFormTheParserRefuses_Is400InvalidRequest(string body)
    {
        body = body switch
        {
            "many" => string.Join('&', Enumerable.Range(0, 100).Select(i => $"k{i}=v")),
            "longkey" => new string('k', 300) + "=v",
            "longvalue" => "a=" + new string('v', 9000),
            _ => body,
        };
        using var content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await Http.PostAsync("/oauth2/userinfo", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("invalid_request", json.GetProperty("error").GetString());
        Assert.Contains("error=\"invalid_request\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }
}
