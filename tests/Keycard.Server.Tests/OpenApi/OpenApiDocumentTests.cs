using System.Net;
using System.Text.Json;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;

namespace Keycard.Server.Tests.OpenApi;

/// <summary>The OpenAPI document is generated from the mapped endpoints: every route and method is in it.</summary>
public sealed class OpenApiDocumentTests
{
    private static readonly string[] Operational = ["/openapi/", "/healthz", "/readyz", "/metrics", "/reference"];

    [Fact]
    public async Task Document_EveryMappedRoute_IsDescribed()
    {
        using var factory = await new KeycardFactory().SeedAsync();

        using var response = await factory.CreateClient().GetAsync("/openapi/v1.json");
        var paths = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("paths");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var routes = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => !Operational.Any(p => ("/" + e.RoutePattern.RawText!.TrimStart('/')).StartsWith(p, StringComparison.Ordinal)))
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Where(method => method != "HEAD") // HEAD is every GET's twin (Http/HeadRequests), listed once as the GET
                .Select(method => (Path: "/" + e.RoutePattern.RawText!.TrimStart('/'), Method: method.ToLowerInvariant())))
            .ToList();
        Assert.Contains(routes, r => r.Path == "/external/api/oauth2/token");
        Assert.Contains(routes, r => r.Path == "/oauth2/token");
        Assert.Contains(routes, r => r.Path == "/external/api/rest/v2/users/me");
        foreach (var (path, method) in routes)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is not in the OpenAPI document");
            Assert.True(item.TryGetProperty(method, out _), $"{method.ToUpperInvariant()} {path} is not in the OpenAPI document");
        }
    }

    [Fact]
    public async Task Document_IOfficeToken_ListsItsHeaders()
    {
        using var factory = await new KeycardFactory().SeedAsync();

        var text = await factory.CreateClient().GetStringAsync("/openapi/v1.json");
        var token = JsonDocument.Parse(text).RootElement.GetProperty("paths").GetProperty("/external/api/oauth2/token").GetProperty("post");

        var headers = token.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("x-grant-type", headers);
        Assert.Contains("x-code-verifier", headers);
    }

    [Fact]
    public async Task Document_Description_HasNoStrayEmphasisMarkers()
    {
        using var factory = await new KeycardFactory().SeedAsync();

        var text = await factory.CreateClient().GetStringAsync("/openapi/v1.json");
        var description = JsonDocument.Parse(text).RootElement.GetProperty("info").GetProperty("description").GetString()!;

        // The reference page renders the description as Markdown (CommonMark): a `*` outside a code span starts
        // emphasis, and the paths' wildcards once turned half the sentence italic.
        var outsideCode = string.Concat(description.Split('`').Where((_, i) => i % 2 == 0));
        Assert.Contains("`/oauth2/*`", description);
        Assert.DoesNotContain('*', outsideCode);
    }

    [Fact]
    public async Task Reference_ByDefault_NotServed()
    {
        using var factory = await new KeycardFactory().SeedAsync();

        using var response = await factory.CreateClient().GetAsync("/reference");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Reference_WhenEnabled_Served()
    {
        using var factory = new KeycardFactory();
        factory.Settings["Keycard:ApiReference"] = "true";
        await factory.SeedAsync();

        using var response = await factory.CreateClient().GetAsync("/reference/");
        using var script = await factory.CreateClient().GetAsync("/reference/scalar.js");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("openapi/v1.json", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }
}
