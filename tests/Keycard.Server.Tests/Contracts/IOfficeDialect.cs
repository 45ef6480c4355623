using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.Contracts;

/// <summary>The guide's header dialect: codes from <c>/external/api/oauth2/auth</c>, every parameter an <c>x-</c> header.</summary>
public sealed class IOfficeDialect : Dialect
{
    public override async Task<string> IssueCodeAsync(CodeRequest request)
    {
        // Naming the scope and redirect URI binds the code to both, as a standard authorization request does.
        using var response = await SendAsync(HttpMethod.Post, "/external/api/oauth2/auth", new()
        {
            ["x-auth-username"] = KeycardFactory.UserName,
            ["x-auth-password"] = KeycardFactory.Password,
            ["x-client-id"] = request.ClientId,
            ["x-client-secret"] = request.ClientSecret,
            ["x-scope"] = request.Scope,
            ["x-redirect-uri"] = KeycardFactory.RedirectUri,
            ["x-code-challenge"] = request.Challenge,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
    }

    public override Task<HttpResponseMessage> TokenAsync(TokenCall call) =>
        SendAsync(HttpMethod.Post, "/external/api/oauth2/token", new()
        {
            ["x-grant-type"] = call.GrantType,
            ["x-client-id"] = call.ClientId,
            ["x-client-secret"] = call.ClientSecret,
            ["x-auth-code"] = call.Code,
            ["x-redirect-uri"] = call.RedirectUri,
            ["x-scope"] = call.Scope,
            ["x-refresh-token"] = call.RefreshToken,
            ["x-code-verifier"] = call.CodeVerifier,
        });

    public override Task<HttpResponseMessage> RevokeAsync(RevokeCall call) =>
        SendAsync(HttpMethod.Post, "/external/api/oauth2/revoke", new()
        {
            ["x-token"] = call.Token,
            ["x-client-id"] = call.ClientId,
            ["x-client-secret"] = call.ClientSecret,
        });

    public override Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error) =>
        ResponseAssert.ErrorAsync(response, status, error);

    public override TimeSpan ExpiresIn(JsonElement tokenResponse) =>
        TimeSpan.FromMilliseconds(tokenResponse.GetProperty("expires_in").GetInt64());

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, Dictionary<string, string?> headers)
    {
        var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers)
        {
            if (value is not null)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return Http.SendAsync(request);
    }
}
