using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Keycard.Server.Tests.Gateway;

/// <summary>
/// A real API behind the gateway: Kestrel on 127.0.0.1, recording every request it receives (path, query, headers,
/// body length). <c>/slow</c> answers after 30 s; anything else answers 200 with the path it saw.
/// </summary>
public sealed class RecordingUpstream : IAsyncDisposable
{
    private WebApplication _app = null!;

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    public string BaseUrl { get; private set; } = "";

    public static async Task<RecordingUpstream> StartAsync()
    {
        var upstream = new RecordingUpstream();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        app.Run(upstream.HandleAsync);
        await app.StartAsync();
        upstream._app = app;
        upstream.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
        return upstream;
    }

    private async Task HandleAsync(HttpContext context)
    {
        long length = 0;
        var buffer = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            length += read;
        }

        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        Received.Enqueue(new ReceivedRequest(context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "", headers, length));
        if (context.Request.Path.Value?.EndsWith("/slow", StringComparison.Ordinal) == true)
        {
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
        }

        if (context.Request.Path.Value?.EndsWith("/missing", StringComparison.Ordinal) == true)
        {
            // An API's own empty 404, which the gateway must pass on as it is.
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($"{{\"path\":\"{context.Request.Path.Value}\",\"length\":{length}}}");
    }

    public ReceivedRequest Last() => Received.Last();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
