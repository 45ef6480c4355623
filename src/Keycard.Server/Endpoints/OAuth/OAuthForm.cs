using Keycard.Core.Errors;
using Microsoft.Net.Http.Headers;

namespace Keycard.Server.Endpoints.OAuth;

/// <summary>The body of a standard OAuth POST: application/x-www-form-urlencoded and nothing else (RFC 6749 §3.2, RFC 7009 §2.1, RFC 7662 §2.1).</summary>
internal static class OAuthForm
{
    private const string FormUrlEncoded = "application/x-www-form-urlencoded";

    public static async Task<(IFormCollection Form, ProtocolError? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals(FormUrlEncoded, StringComparison.OrdinalIgnoreCase))
        {
            return (FormCollection.Empty, ProtocolError.InvalidRequest($"The request body must be {FormUrlEncoded} (RFC 6749 §3.2)."));
        }

        try
        {
            return (await request.ReadFormAsync(cancellationToken), null);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            return (FormCollection.Empty, ProtocolError.InvalidRequest("The form body is too large or malformed."));
        }
    }
}
