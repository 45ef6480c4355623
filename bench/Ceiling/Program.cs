using Keycard.Bench.Ceiling;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

// The same filters Keycard sets; bench/run.sh also passes --Logging:LogLevel:Default=Warning to both servers.
builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, CeilingJsonContext.Default));

var app = builder.Build();

// Shapes and sizes close to Keycard's answers: a users/me-like profile for GET, a token-like answer for POST.
var profile = new SmallJson("Bench", "bench@keycard.local", 1, 1764268800000);
app.MapGet("/healthz", () => TypedResults.Text("ok\n"));
app.MapGet("/get", () => TypedResults.Ok(profile));
app.MapPost("/post", (HttpContext context) =>
{
    context.Response.Headers.CacheControl = "no-store";
    return TypedResults.Ok(new SmallJson("Bearer", "t9Kq3vYy0nS8b2xQe4RzWm7LpA1cD5fGhJ6kUoTiVwX", 3600000, 1764268800000));
});

app.Run();
