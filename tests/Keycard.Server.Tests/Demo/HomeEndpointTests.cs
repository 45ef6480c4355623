using System.Net;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.Demo;

/// <summary><c>GET /</c> tells a newcomer where to go (issue 13 item 9).</summary>
public sealed class HomeEndpointTests
{
    [Fact]
    public async Task GetRoot_WithDemo_PointsToTheDemoDiscoveryAndDocs()
    {
        using var factory = new KeycardFactory();
        factory.Settings["demo"] = "true";
        await factory.SeedAsync();

        using var response = await factory.CreateClient().GetAsync(new Uri("/", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Demo app:        http://localhost/demo/  (sign in as demo / keycard-demo)", text, StringComparison.Ordinal);
        Assert.Contains("http://localhost/.well-known/oauth-authorization-server", text, StringComparison.Ordinal);
        Assert.Contains("docs/ioffice-dialect.md", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRoot_WithoutDemo_OmitsTheDemoButKeepsDiscovery()
    {
        using var factory = new KeycardFactory();
        await factory.SeedAsync();

        using var response = await factory.CreateClient().GetAsync(new Uri("/", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("/demo/", text, StringComparison.Ordinal);
        Assert.Contains("/.well-known/oauth-authorization-server", text, StringComparison.Ordinal);
    }
}
