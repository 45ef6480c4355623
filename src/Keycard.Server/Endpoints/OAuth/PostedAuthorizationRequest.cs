using Keycard.Server.Http;

namespace Keycard.Server.Endpoints.OAuth;

/// <summary>
/// OpenID Connect Core §3.1.2.1: an authorization server MUST support the authorization request by GET and by POST,
/// the POST carrying the parameters form-serialized in its body (§13.2). The sign-in and consent forms post to the
/// same endpoint with the request in their action's query, so a POST whose URL names no <c>client_id</c> is an
/// authorization request: its parameters become the request's query and it is answered exactly as the GET would be
/// (and the forms it shows post back the usual way).
/// </summary>
internal static class PostedAuthorizationRequest
{
    /// <summary>
    /// Whether a POST to the endpoint is an authorization request rather than the sign-in or consent form's post: its
    /// URL names no client. It carries no password, so it spends no attempt of the address's password limit
    /// (<see cref="PasswordRateLimit"/>); a form's post, with the request in its query, does.
    /// </summary>
    public static bool IsOne(HttpRequest request) => !request.Query.ContainsKey("client_id");

    public static async Task<bool> TryReadIntoQueryAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!IsOne(request) || !FormContent.IsUrlEncoded(request))
        {
            return false;
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return false;
        }

        // Every value kept as sent, repeats included, so a parameter sent twice is refused as it is on GET (RFC 6749 §3.1).
        request.QueryString = QueryString.Create(form);
        return true;
    }
}
