using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;

// bare-proxy --upstream http://127.0.0.1:PORT --urls http://127.0.0.1:PORT
var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
builder.Logging.AddFilter("Yarp", LogLevel.Warning);

var upstream = builder.Configuration["upstream"] ?? throw new InvalidOperationException("--upstream URL is required");
const string Prefix = "/external/api/rest/v2";
builder.Services.AddReverseProxy()
    .LoadFromMemory(
        [new RouteConfig { RouteId = "bare", ClusterId = "bare", Match = new RouteMatch { Path = Prefix + "/{**rest}" } }],
        [new ClusterConfig { ClusterId = "bare", Destinations = new Dictionary<string, DestinationConfig> { ["upstream"] = new() { Address = upstream } } }])
    .AddTransforms(context => context.AddPathRemovePrefix(Prefix));

var app = builder.Build();
app.MapGet("/healthz", () => TypedResults.Text("ok\n"));
app.MapReverseProxy();
app.Run();
