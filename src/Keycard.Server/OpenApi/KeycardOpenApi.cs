using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Keycard.Server.OpenApi;

/// <summary>
/// The OpenAPI document of every endpoint, both dialects and the REST API, generated from the mapped endpoints at
/// <see cref="DocumentPath"/> (so it cannot drift from the code), and the Scalar reference page at
/// <see cref="ReferencePath"/> when <c>--demo</c> or <c>Keycard:ApiReference</c> turns it on.
/// </summary>
internal static class KeycardOpenApi
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/reference";

    /// <summary>The iOFFICE dialect reads its parameters from x- headers (the guide), which no handler signature shows.</summary>
    private static readonly Dictionary<string, string[]> IOfficeHeaders = new(StringComparer.Ordinal)
    {
        ["/external/api/oauth2/auth"] = ["x-auth-username", "x-auth-password", "x-client-id", "x-client-secret", "x-redirect-uri", "x-scope", "x-state", "x-code-challenge", "x-code-challenge-method"],
        ["/external/api/oauth2/token"] = ["x-grant-type", "x-client-id", "x-client-secret", "x-redirect-uri", "x-scope", "x-auth-code", "x-refresh-token", "x-code-verifier"],
        ["/external/api/oauth2/revoke"] = ["x-token", "x-client-id", "x-client-secret"],
        ["/external/api/oauth2/tokeninfo"] = ["x-token"],
        ["/external/api/rest/v2/users/me"] = ["x-access-token"],
    };

    public static IServiceCollection AddKeycardOpenApi(this IServiceCollection services) => services.AddOpenApi(o =>
    {
        // Every GET endpoint also answers HEAD (Http/HeadRequests); the document lists the GET operation only.
        var include = o.ShouldInclude;
        o.ShouldInclude = description => !HttpMethods.IsHead(description.HttpMethod ?? "") && include(description);
        o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Keycard";
            // Markdown (the reference page renders it): paths in code spans, so their `*` is not read as emphasis.
            document.Info.Description = "OAuth 2.0 and OpenID Connect authorization server: the iOFFICE header dialect (`/external/api/oauth2/*`), the " +
                "standard RFC 6749 form dialect (`/oauth2/*`), the login pages and the REST API. Secrets travel in headers or form bodies, never in this document.";
            return Task.CompletedTask;
        });
        o.AddOperationTransformer((operation, context, _) =>
        {
            var path = "/" + (context.Description.RelativePath ?? "").TrimStart('/');
            if (IOfficeHeaders.TryGetValue(path, out var headers))
            {
                operation.Parameters ??= [];
                foreach (var header in headers)
                {
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = header,
                        In = ParameterLocation.Header,
                        Required = false,
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    });
                }
            }

            return Task.CompletedTask;
        });
    });

    public static void MapKeycardOpenApi(this WebApplication app, bool reference)
    {
        app.MapOpenApi(DocumentPath);
        if (reference)
        {
            app.MapScalarApiReference(ReferencePath, o => o.WithOpenApiRoutePattern(DocumentPath).WithTitle("Keycard API"));
        }
    }
}
