using Keycard.Core.Errors;
using Keycard.Server.Http;

namespace Keycard.Server.Endpoints.OAuth;

/// <summary>RFC 6749 §5.2's error JSON, <c>{"error","error_description"}</c>, for the plumbing's errors on the standard routes.</summary>
internal sealed class OAuthErrorDialect : IErrorDialect
{
    public static readonly OAuthErrorDialect Instance = new();

    public Task WriteBodyAsync(HttpContext context, ProtocolError error, int status) =>
        OAuthResults.Error(context, error, status).ExecuteAsync(context);
}
