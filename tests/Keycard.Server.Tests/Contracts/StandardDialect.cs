using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Keycard.Server.Tests.Contracts;

/// <summary>RFC 6749's dialect: codes from <c>/oauth2/authorize</c> and its sign-in form, form-encoded requests, HTTP Basic.</summary>
public sealed class StandardDialect : Dialect
{
    public override async Task<string> IssueCodeAsync(CodeRequest request)
    {
        // A browser of its own for each authorization, so no sign-in session carries over between them.
        using var browser = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var url = OAuthForms.AuthorizeUrl(request.ClientId, scope: request.Scope, challenge: request.Challenge ?? "", method: request.Challenge is null ? null : "S256");
        using var page = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var post = await SignInForm.BuildAsync(page, new Uri(browser.BaseAddress!, url));
        using var redirect = await browser.SendAsync(post);
        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
        return OAuthForms.ReadRedirect(redirect)["code"];
    }

    public override Task<HttpResponseMessage> TokenAsync(TokenCall call) =>
        PostAsync("/oauth2/token", call.ClientId, call.ClientSecret,
            ("grant_type", call.GrantType),
            ("code", call.Code),
            ("redirect_uri", call.RedirectUri),
            ("scope", call.Scope),
            ("refresh_token", call.RefreshToken),
            ("code_verifier", call.CodeVerifier));

    public override Task<HttpResponseMessage> RevokeAsync(RevokeCall call) =>
        PostAsync("/oauth2/revoke", call.ClientId, call.ClientSecret, ("token", call.Token));

    public override Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error) =>
        OAuthForms.ErrorAsync(response, status, error);

    public override TimeSpan ExpiresIn(JsonElement tokenResponse) =>
        TimeSpan.FromSeconds(tokenResponse.GetProperty("expires_in").GetInt64());

    /// <summary>A confidential client authenticates with HTTP Basic (RFC 6749 §2.3.1), a public one names its client_id.</summary>
    private Task<HttpResponseMessage> PostAsync(string path, string? clientId, string? secret, params (string Name, string? Value)[] fields)
    {
        var form = fields.Where(f => f.Value is not null).Select(f => KeyValuePair.Create(f.Name, f.Value!)).ToList();
        AuthenticationHeaderValue? basic = null;
        if (clientId is not null && secret is not null)
        {
            basic = OAuthForms.Basic(clientId, secret);
        }
        else if (clientId is not null)
        {
            form.Add(KeyValuePair.Create("client_id", clientId));
        }

        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = basic;
        return Http.SendAsync(request);
    }
}
