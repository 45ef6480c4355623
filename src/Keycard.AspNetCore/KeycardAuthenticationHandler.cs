using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Keycard.AspNetCore;

/// <summary>
/// Authenticates a request the way Keycard's own <c>users/me</c> does, and answers failures the same way:
/// <list type="bullet">
/// <item>the token in exactly one of <c>?access_token=</c>, <c>x-access-token</c>, <c>Authorization: Bearer</c>; two: 400 <c>invalid_request</c>;</item>
/// <item>none: 401 with <c>WWW-Authenticate: Bearer realm="keycard"</c> (RFC 6750 §3.1);</item>
/// <item>expired sent the guide's way: 403 <c>invalid_token</c>, because iOFFICE's client library refreshes on 403 and
/// discards the token on 401; expired as Bearer, revoked or unknown: 401 with an RFC 6750 §3 challenge;</item>
/// <item>a missing scope (<see cref="KeycardEndpointExtensions.RequireKeycardScope{TBuilder}"/>): 403 <c>insufficient_scope</c>.</item>
/// </list>
/// Bodies are the iOFFICE error shape. A Bearer JWT of type <c>keycard-upstream+jwt</c> (Keycard's gateway) is checked
/// against the JWKS when <see cref="KeycardAuthenticationOptions.Audience"/> is set; any other JWT is checked here as
/// an RFC 9068 access token when <see cref="KeycardAuthenticationOptions.JwtValidation"/> is
/// <see cref="KeycardJwtValidation.Local"/> and <see cref="KeycardAuthenticationOptions.Resource"/> is set; every
/// other token by introspection.
/// </summary>
public sealed class KeycardAuthenticationHandler(
    IOptionsMonitor<KeycardAuthenticationOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    KeycardIntrospector introspector,
    KeycardAccessTokenValidator accessTokens,
    KeycardUpstreamTokenValidator upstream)
    : AuthenticationHandler<KeycardAuthenticationOptions>(options, logger, encoder)
{
    /// <summary>Where the scope handler leaves the scope a request lacked, for <see cref="HandleForbiddenAsync"/>.</summary>
    internal const string MissingScopeItem = "keycard.missing_scope";

    private KeycardPresentedToken? _presented;
    private KeycardTokenStatus? _failure;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        _presented = KeycardPresentedToken.From(Request);
        if (_presented.IsAmbiguous)
        {
            return AuthenticateResult.Fail("The access token was sent more than one way.");
        }

        if (_presented.Transport == KeycardTokenTransport.None || _presented.Value.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }

        var check = await CheckAsync(_presented);
        if (check.Status != KeycardTokenStatus.Valid)
        {
            _failure = check.Status;
            return AuthenticateResult.Fail("The access token is " + check.Status.ToString().ToLowerInvariant() + ".");
        }

        // A copy: the identity may be a cached answer shared by other requests, and claims transformations add to it.
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(check.Identity!.Clone()), Scheme.Name));
    }

    private Task<KeycardTokenCheck> CheckAsync(KeycardPresentedToken presented)
    {
        var jwt = KeycardJwt.TryRead(presented.Value);
        if (jwt?.Typ == KeycardAuthenticationDefaults.UpstreamTokenType && presented.Transport == KeycardTokenTransport.Bearer)
        {
            // A gateway identity token is never introspected: Keycard stores no hash of it.
            return string.IsNullOrEmpty(Options.Audience)
                ? Task.FromResult(KeycardTokenCheck.Invalid)
                : upstream.ValidateAsync(jwt, Options, Context.RequestAborted);
        }

        if (jwt is not null && Options.JwtValidation == KeycardJwtValidation.Local && !string.IsNullOrEmpty(Options.Resource))
        {
            // RFC 9068 §4: validated here, without a call to Keycard; a revoked JWT passes until its exp (§5).
            return accessTokens.ValidateAsync(jwt, Options, Context.RequestAborted);
        }

        return string.IsNullOrEmpty(Options.ClientId)
            ? Task.FromResult(KeycardTokenCheck.Invalid)
            : introspector.IntrospectAsync(presented.Value, Options, Context.RequestAborted);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_presented?.IsAmbiguous == true)
        {
            return KeycardErrorWriter.ChallengeAsync(Context, StatusCodes.Status400BadRequest, "invalid_request",
                "Send the access token one way only: x-access-token, ?access_token= or Authorization: Bearer.");
        }

        return _failure switch
        {
            null => KeycardErrorWriter.WriteAsync(Context, StatusCodes.Status401Unauthorized, "invalid_token",
                "An access token is required: send it as x-access-token, ?access_token= or Authorization: Bearer.", "Bearer realm=\"keycard\""),
            KeycardTokenStatus.Expired when _presented!.Transport != KeycardTokenTransport.Bearer =>
                KeycardErrorWriter.WriteAsync(Context, StatusCodes.Status403Forbidden, "invalid_token", "The access token has expired; refresh it."),
            KeycardTokenStatus.Expired => KeycardErrorWriter.ChallengeAsync(Context, StatusCodes.Status401Unauthorized, "invalid_token", "The access token has expired."),
            KeycardTokenStatus.Unavailable => KeycardErrorWriter.WriteAsync(Context, StatusCodes.Status503ServiceUnavailable, "temporarily_unavailable",
                "Keycard could not be asked about this token; retry shortly."),
            _ => KeycardErrorWriter.ChallengeAsync(Context, StatusCodes.Status401Unauthorized, "invalid_token", "The access token is invalid or revoked."),
        };
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        // RFC 6750 §3.1: 403 with the scope the token lacks, so the client knows what to ask for.
        var scope = Context.Items[MissingScopeItem] as string;
        return scope is null
            ? KeycardErrorWriter.WriteAsync(Context, StatusCodes.Status403Forbidden, "access_denied", "This token may not call this endpoint.")
            : KeycardErrorWriter.ChallengeAsync(Context, StatusCodes.Status403Forbidden, "insufficient_scope", $"This endpoint needs the scope '{scope}'.", scope);
    }
}
