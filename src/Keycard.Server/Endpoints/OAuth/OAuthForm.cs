using Keycard.Core.Errors;
using Keycard.Server.Http;

namespace Keycard.Server.Endpoints.OAuth;

/// <summary>The body of a standard OAuth POST: application/x-www-form-urlencoded and nothing else (RFC 6749 §3.2, RFC 7009 §2.1, RFC 7662 §2.1).</summary>
internal static class OAuthForm
{
    public static async Task<(IFormCollection Form, ProtocolError? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!FormContent.IsUrlEncoded(request))
        {
            return (FormCollection.Empty, ProtocolError.InvalidRequest($"The request body must be {FormContent.UrlEncoded} (RFC 6749 section 3.2)."));
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
