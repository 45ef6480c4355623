using System.Security.Claims;
using Keycard.AspNetCore;
using WorkplaceApi;

// An API protected by Keycard, beside it (tokens checked by introspection) or behind its gateway (the gateway's
// identity JWT checked against Keycard's JWKS). The two Keycard lines are marked; docs/gateway.md explains the settings.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddKeycardAuthentication(builder.Configuration.GetSection("Keycard")); // Keycard line 1

var app = builder.Build();

app.MapGet("/api/workplaces", (ClaimsPrincipal caller) => new WorkplaceList(
        caller.FindFirstValue(KeycardAuthenticationDefaults.SubjectClaim)!,
        caller.FindFirstValue(KeycardAuthenticationDefaults.ClientIdClaim),
        ["Desk 4.12", "Room Ada", "Room Turing"]))
    .RequireKeycardScope("email"); // Keycard line 2

app.MapPost("/api/workplaces/bookings", (ClaimsPrincipal caller) => TypedResults.Created("/api/workplaces/bookings/1"))
    .RequireKeycardScope("workplaces.book");

app.Run();
