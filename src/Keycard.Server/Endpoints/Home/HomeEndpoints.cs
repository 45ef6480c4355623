using Keycard.Server.Cli;
using Keycard.Server.Endpoints.Demo;
using Keycard.Server.Endpoints.OAuth;

namespace Keycard.Server.Endpoints.Home;

/// <summary>
/// <c>GET /</c>: what a newcomer who opens the server's address in a browser needs, namely where to go next
/// (the demo app when it is on, the discovery document, the endpoints, the documentation).
/// </summary>
internal static class HomeEndpoints
{
    public static IEndpointRouteBuilder MapHome(this IEndpointRouteBuilder routes, bool demo)
    {
        routes.MapGet("/", (HttpContext context) => TypedResults.Text(Describe($"{context.Request.Scheme}://{context.Request.Host}", demo)));
        routes.MapGet("/.well-known/keycard", (HttpContext context) => TypedResults.Text(Describe($"{context.Request.Scheme}://{context.Request.Host}", demo)));
        return routes;
    }

    internal static string Describe(string origin, bool demo)
    {
        var demoLines = demo
            ? $"""
              Demo app:        {origin}{DemoEndpoints.BasePath}/  (sign in as {DemoSetup.UserName} / {DemoSetup.Password})

              """
            : "";
        return $"""
            Keycard is running: an OAuth 2.0 authorization server (the iOFFICE dialect and RFC 6749).

            {demoLines}Discovery:       {origin}{OAuthEndpoints.MetadataPath}
            iOFFICE dialect: POST {origin}/external/api/oauth2/auth, /token, /revoke; GET /external/api/oauth2/tokeninfo
            Login page:      {origin}/login.html?response_type=code&client_id=…&redirect_uri=…&scope=…&state=…
            Documentation:   README.md and docs/ in the Keycard repository (docs/app-developers.md, docs/ioffice-dialect.md)

            """;
    }
}
