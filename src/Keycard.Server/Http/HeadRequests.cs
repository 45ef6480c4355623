using Microsoft.AspNetCore.Routing;

namespace Keycard.Server.Http;

/// <summary>
/// RFC 9110 §9.1: "All general-purpose servers MUST support the methods GET and HEAD", and §9.3.2: HEAD is GET
/// without content. Minimal APIs map GET alone, so a group marked with this convention lets every GET endpoint in it
/// answer HEAD with the same handler; Kestrel sends the status and headers and no body for a HEAD request.
/// </summary>
internal static class HeadRequests
{
    public static TBuilder AnswerHeadLikeGet<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<IHttpMethodMetadata>().LastOrDefault() is { } methods
                && methods.HttpMethods.Contains(HttpMethods.Get, StringComparer.OrdinalIgnoreCase)
                && !methods.HttpMethods.Contains(HttpMethods.Head, StringComparer.OrdinalIgnoreCase))
            {
                endpoint.Metadata.Add(new HttpMethodMetadata([.. methods.HttpMethods, HttpMethods.Head], methods.AcceptCorsPreflight));
            }
        });
        return builder;
    }
}
