using Keycard.Core.Authorization;

namespace Keycard.Server.Endpoints.Login;

/// <summary>
/// An authorization response (a code or an error) for the client's redirect URI, in one of the
/// <see cref="ResponseModes"/>: a redirect carrying the parameters in the query or the fragment, or a page that posts
/// them there (OAuth 2.0 Form Post Response Mode §2).
/// </summary>
internal sealed record AuthorizationAnswer(string RedirectUri, string ResponseMode, IReadOnlyList<(string Name, string? Value)> Parameters)
{
    /// <param name="redirectStatus">302 after a GET, 303 after a POST (RFC 9700 §4.11); a form post page is always 200.</param>
    public IResult ToResult(int redirectStatus) => ResponseMode switch
    {
        ResponseModes.FormPost => new FormPostResult(RedirectUri, [.. RedirectParameters.Present(Parameters)]),
        ResponseModes.Fragment => new SeeOther(RedirectParameters.InFragment(RedirectUri, [.. Parameters]), redirectStatus),
        _ => new SeeOther(RedirectParameters.InQuery(RedirectUri, [.. Parameters]), redirectStatus),
    };
}
