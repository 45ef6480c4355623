using System.Security.Claims;
using Keycard.AspNetCore;
using WorkplaceApi;

// An API protected by Keycard, beside it or behind its gateway. The two Keycard lines are marked; the settings
// (appsettings.json's "Keycard" section, docs/gateway.md) choose what is accepted: JWT access tokens validated here
// against Keycard's published keys ("Resource"; "JwtValidation": "Local" or "Introspection"), opaque tokens by
// introspection ("ClientId"/"ClientSecret"), the gateway's identity JWT ("Audience").
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
