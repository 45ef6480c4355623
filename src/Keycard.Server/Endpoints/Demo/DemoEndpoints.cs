using System.Collections.Frozen;
using System.Reflection;
using Keycard.Server.Http;

namespace Keycard.Server.Endpoints.Demo;

/// <summary>
/// The demo app of <c>keycard serve --demo</c> at <c>/demo/</c>: the files of <c>Demo/</c>, embedded in the assembly,
/// including a generated copy of the browser SDK (<c>Demo/sdk/</c>, written by <c>npm run build:demo</c> in clients/js).
/// Only those files are served; anything else under <c>/demo/</c> is a 404.
/// </summary>
internal static class DemoEndpoints
{
    public const string BasePath = "/demo";

    /// <summary>
    /// The login page's policy plus what the demo needs: its own module scripts and calls to this origin's API.
    /// No inline script or style anywhere, so none is allowed.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    private const string ResourcePrefix = "Keycard.Demo/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly Lazy<FrozenDictionary<string, (byte[] Content, string ContentType)>> Files = new(LoadFiles);

    public static IEndpointRouteBuilder MapDemoApp(this IEndpointRouteBuilder routes)
    {
        // The catch-all also matches "/demo", which is sent to "/demo/": the registered redirect URI ends in a slash.
        routes.MapGet(BasePath + "/{**file}", (HttpContext context, string? file) =>
            context.Request.Path.Value is BasePath ? Results.Redirect(BasePath + "/") : Serve(context, string.IsNullOrEmpty(file) ? "index.html" : file));
        return routes;
    }

    /// <summary>The names of the files served, relative to <c>/demo/</c>.</summary>
    public static IEnumerable<string> FileNames => Files.Value.Keys;

    private static IResult Serve(HttpContext context, string file)
    {
        if (!Files.Value.TryGetValue(file, out var entry))
        {
            return TypedResults.NotFound();
        }

        if (file.EndsWith(".html", StringComparison.Ordinal))
        {
            SecurityHeaders.ApplyHtml(context, formActionSource: null);
            context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        }
        else
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers.CacheControl = "no-cache";
        }

        return TypedResults.Bytes(entry.Content, entry.ContentType);
    }

    private static FrozenDictionary<string, (byte[] Content, string ContentType)> LoadFiles()
    {
        var assembly = typeof(DemoEndpoints).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var file = name[ResourcePrefix.Length..].Replace('\\', '/');
            if (!ContentTypes.TryGetValue(Path.GetExtension(file), out var contentType))
            {
                throw new InvalidOperationException($"The demo file '{file}' has no known content type; add its extension to DemoEndpoints.");
            }

            files[file] = (Read(assembly, name), contentType);
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static byte[] Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
