namespace Keycard.Server.Http;

/// <summary>
/// Endpoint metadata: this endpoint never reads the browser's sign-in session (its caller is a client presenting its
/// own credentials or a bearer token: the token, revocation, introspection and tokeninfo endpoints of both dialects and
/// the REST API) and issues no anti-forgery token, so the pipeline skips the session cookie's authentication for it
/// (<see cref="KeycardServer"/>). An endpoint that reads <c>HttpContext.User</c>, the cookie or anti-forgery must not carry it.
/// </summary>
internal sealed class NoSignInSession
{
    public static readonly NoSignInSession Instance = new();

    private NoSignInSession()
    {
    }
}
