using System.Net;
using System.Text.RegularExpressions;
using Keycard.Server.Endpoints.Demo;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Keycard.Server.Tests.Demo;

/// <summary>The demo app's files as served; the flow itself is tested in real Chromium (tests/e2e).</summary>
public sealed partial class DemoEndpointsTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        _app = builder.Build();
        _app.MapDemoApp();
        await _app.StartAsync();
        _http = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Get_Index_IsHtmlWithItsOwnStrictPolicyAndTheSecurityHeaders()
    {
        using var response = await _http.GetAsync(new Uri("/demo/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(DemoEndpoints.ContentSecurityPolicy, csp);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Get_Index_HasNoInlineScriptOrStyle()
    {
        var html = await _http.GetStringAsync(new Uri("/demo/", UriKind.Relative));

        Assert.DoesNotMatch(InlineScript(), html);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" style=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(EventHandlerAttribute(), html);
    }

    [Theory]
    [InlineData("/demo/demo.js", "text/javascript")]
    [InlineData("/demo/sdk/index.js", "text/javascript")]
    [InlineData("/demo/sdk/client.js", "text/javascript")]
    [InlineData("/demo/demo.css", "text/css")]
    public async Task Get_Asset_HasItsContentTypeAndNosniff(string path, string mediaType)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Theory]
    [InlineData("/demo/appsettings.json")]
    [InlineData("/demo/sdk/")]
    [InlineData("/demo/sdk/index.js.map")]
    [InlineData("/demo/Demo/index.html")]
    [InlineData("/demo/%2e%2e/keycard.dll")]
    public async Task Get_FileTheDemoDoesNotHave_IsNotFound(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Get_WithoutTrailingSlash_RedirectsToTheRegisteredRedirectUri()
    {
        using var response = await _http.GetAsync(new Uri("/demo", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/demo/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task EveryModuleImport_ResolvesToAServedFile()
    {
        var scripts = DemoEndpoints.FileNames.Where(f => f.EndsWith(".js", StringComparison.Ordinal)).ToList();
        Assert.Contains("demo.js", scripts);
        Assert.Contains("sdk/index.js", scripts);

        foreach (var script in scripts)
        {
            var source = await _http.GetStringAsync(new Uri("/demo/" + script, UriKind.Relative));
            foreach (Match import in ModuleSpecifier().Matches(source))
            {
                var target = new Uri(new Uri("http://keycard/demo/" + script), import.Groups["path"].Value).AbsolutePath;
                using var response = await _http.GetAsync(new Uri(target, UriKind.Relative));
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{script} imports {import.Groups["path"].Value}, which is {(int)response.StatusCode}");
            }
        }
    }

    [Fact]
    public async Task DemoApp_WithoutTheDemoOption_IsNotServed()
    {
        using var factory = new KeycardFactory();
        using var http = factory.CreateClient();

        using var response = await http.GetAsync(new Uri("/demo/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandlerAttribute();

    [GeneratedRegex(@"\b(?:import|export)\b[^'""]*?\bfrom\s*['""](?<path>[^'""]+)['""]")]
    private static partial Regex ModuleSpecifier();
}
