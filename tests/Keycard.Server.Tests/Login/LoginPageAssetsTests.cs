using System.Net;
using Keycard.Server.Tests.Infrastructure;
using Keycard.Server.Tests.IOffice;

namespace Keycard.Server.Tests.Login;

public sealed class LoginPageAssetsTests : IOfficeTestBase
{
    // Without an icon link Chromium asks for /favicon.ico, and the 404 is a console error on every sign-in.
    [Fact]
    public async Task LoginPage_LinksAnIcon_ThatIsServedAsSvg()
    {
        var url = "/login.html?response_type=code&client_id=" + KeycardFactory.PublicClientId +
            "&redirect_uri=" + Uri.EscapeDataString(KeycardFactory.RedirectUri) + "&scope=email&state=s";
        var html = await Client.Http.GetStringAsync(new Uri(url, UriKind.Relative));
        Assert.Contains("<link rel=\"icon\" href=\"/assets/keycard.svg\"", html, StringComparison.Ordinal);

        using var icon = await Client.Http.GetAsync(new Uri("/assets/keycard.svg", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.Equal("image/svg+xml", icon.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<svg", await icon.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
