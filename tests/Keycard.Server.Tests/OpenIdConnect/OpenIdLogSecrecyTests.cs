using System.Net;
using System.Net.Http.Json;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Keycard.Server.Tests.OpenIdConnect;

/// <summary>ID tokens sent back as id_token_hint (logout, authorize) never reach the logs.</summary>
public sealed class OpenIdLogSecrecyTests
{
    [Fact]
    public async Task Logs_IdTokenHintInTheQuery_IsRedacted()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = new KeycardFactory { Logs = logs };
        await factory.SeedAsync();
        using var http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var forms = new OAuthForms(http);
        using var page = await http.GetAsync(OAuthForms.AuthorizeUrl(scope: "openid"));
        using var post = await SignInForm.BuildAsync(page, new Uri(http.BaseAddress!, OAuthForms.AuthorizeUrl(scope: "openid")));
        using var redirect = await http.SendAsync(post);
        var code = OAuthForms.ReadRedirect(redirect)["code"];
        using var exchanged = await forms.TokenAsync(("grant_type", "authorization_code"), ("code", code), ("client_id", KeycardFactory.PublicClientId),
            ("code_verifier", OAuthForms.Verifier), ("redirect_uri", KeycardFactory.RedirectUri));
        var idToken = (await exchanged.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id_token").GetString()!;

        using var logout = await http.GetAsync("/oauth2/logout?id_token_hint=" + idToken);

        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        var text = logs.AllText;
        Assert.Contains("/oauth2/logout?id_token_hint=[redacted]", text, StringComparison.Ordinal);
        Assert.DoesNotContain(idToken.Split('.')[1], text, StringComparison.Ordinal);
    }
}
