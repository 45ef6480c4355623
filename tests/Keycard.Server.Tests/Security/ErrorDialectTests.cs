using System.Text;
using System.Text.Json;
using Keycard.Server.Endpoints.IOffice;
using Keycard.Server.Endpoints.Login;
using Keycard.Server.Endpoints.OAuth;
using Keycard.Server.Http;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Server.Tests.Security;

/// <summary>
/// Every route answers bad input in its own dialect's shape, whichever layer refuses it: the iOFFICE routes
/// <c>{"status","error","errorDescription"}</c>, the standard routes RFC 6749 §5.2 <c>{"error","error_description"}</c>,
/// the sign-in pages HTML. The walk covers every endpoint the server maps, so a new route cannot slip through.
/// </summary>
public sealed class ErrorDialectTests : IAsyncLifetime
{
    private readonly KeycardFactory _factory = new();
    public async Task InitializeAsync()
    {
        await _factory.SeedAsync();
    }

    public Task DisposeAsync()
    {
        _factory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task EveryMappedRoute_MalformedQueryOrForm_AnswersInItsDialectsShape()
    {
        var endpoints = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var failures = new List<string>();
        var checkedRoutes = 0;
        foreach (var endpoint in endpoints)
        {
            var path = endpoint.RoutePattern.RawText!;
            Assert.Empty(endpoint.RoutePattern.Parameters);
            var dialect = endpoint.Metadata.GetMetadata<IErrorDialect>() ?? IOfficeErrorDialect.Instance;
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                // RFC 3986 §2.1: "%zz" is no percent-encoding; the input guard refuses it before any endpoint runs.
                // The test server is driven directly: HttpClient would re-escape the malformed query.
                var context = await _factory.Server.SendAsync(c =>
                {
                    c.Request.Method = method;
                    c.Request.Path = path;
                    c.Request.QueryString = new QueryString("?x=%zz");
                });
                checkedRoutes++;
                if (await ShapeProblemAsync(context.Response, dialect) is { } problem)
                {
                    failures.Add($"{method} {path} ({dialect.GetType().Name}): {problem}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(checkedRoutes >= 15, $"only {checkedRoutes} routes walked");
    }

    [Fact]
    public async Task StandardToken_MalformedFormBody_AnswersRfc6749Shape()
    {
        var context = await _factory.Server.SendAsync(c =>
        {
            c.Request.Method = "POST";
            c.Request.Path = "/oauth2/token";
            c.Request.ContentType = "application/x-www-form-urlencoded";
            c.Request.Body = new MemoryStream(Encoding.ASCII.GetBytes("grant_type=%zz"));
        });

        Assert.Null(await ShapeProblemAsync(context.Response, OAuthErrorDialect.Instance));
    }

    [Fact]
    public async Task IOfficeAuth_MalformedQuery_AnswersTheGuidesShape()
    {
        var context = await _factory.Server.SendAsync(c =>
        {
            c.Request.Method = "POST";
            c.Request.Path = "/external/api/oauth2/auth";
            c.Request.QueryString = new QueryString("?x=%zz");
        });

        Assert.Null(await ShapeProblemAsync(context.Response, IOfficeErrorDialect.Instance));
    }

    private static async Task<string?> ShapeProblemAsync(HttpResponse response, IErrorDialect dialect)
    {
        if (response.StatusCode != StatusCodes.Status400BadRequest)
        {
            return $"status {response.StatusCode}, expected 400";
        }

        if (response.Headers.CacheControl.ToString() != "no-store")
        {
            return "no Cache-Control: no-store";
        }

        var body = await new StreamReader(response.Body).ReadToEndAsync();
        var mediaType = response.ContentType?.Split(';')[0];
        if (dialect is HtmlErrorDialect)
        {
            return mediaType == "text/html" ? null : $"expected an HTML page, got {mediaType}: {body}";
        }

        if (mediaType != "application/json")
        {
            return $"expected JSON, got {mediaType}: {body}";
        }

        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        string[] expected = dialect is OAuthErrorDialect ? ["error", "error_description"] : ["status", "error", "errorDescription"];
        var names = root.EnumerateObject().Select(p => p.Name).ToArray();
        if (!names.Order(StringComparer.Ordinal).SequenceEqual(expected.Order(StringComparer.Ordinal)))
        {
            return $"fields [{string.Join(',', names)}], expected [{string.Join(',', expected)}]";
        }

        var description = root.GetProperty(dialect is OAuthErrorDialect ? "error_description" : "errorDescription").GetString()!;
        return root.GetProperty("error").GetString() == "invalid_request" && ErrorDescriptions.IsValid(description)
            ? null
            : $"unexpected error {body}";
    }
}
