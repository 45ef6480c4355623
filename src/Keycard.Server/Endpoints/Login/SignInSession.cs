using System.Globalization;
using System.Security.Claims;
using Keycard.Core.Authorization;
using Keycard.Core.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Keycard.Server.Endpoints.Login;

/// <summary>
/// The browser's sign-in session: a cookie set when the user signs in on the form, so a later
/// <c>/oauth2/authorize</c> from the same browser can skip the password. The cookie is cookie authentication's
/// ticket, encrypted and signed with ASP.NET Core Data Protection (keys in the database, shared by every node).
/// </summary>
internal static class SignInSession
{
    public const string Scheme = "keycard.session";
    public const string CookieName = "keycard.session";

    private const string UserIdClaim = "sub";

    /// <summary>The user record's version (Identity's concurrency stamp): a password change, disable or edit ends every session.</summary>
    private const string StampClaim = "keycard:stamp";

    /// <summary>The server-side session (the <c>sign_in_sessions</c> row): ending it ends the cookie on every node.</summary>
    private const string SessionClaim = "sid";

    public static IServiceCollection AddSignInSession(this IServiceCollection services)
    {
        services.AddOptions<CookieAuthenticationOptions>(Scheme)
            .Configure<IOptions<KeycardServerOptions>>((o, server) => o.ExpireTimeSpan = server.Value.SessionLifetime);
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;

            // Path=/ and no Domain: what a __Host- cookie needs (Http/HostPrefixCookieMiddleware adds the prefix on https).
            o.Cookie.Path = "/";

            // Lax: the cookie must travel on the top-level GET a client's redirect to /oauth2/authorize makes.
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.SlidingExpiration = false;
        });
        return services;
    }

    public static Task SignInAsync(HttpContext context, UserProfile user, string sessionId)
    {
        var identity = new ClaimsIdentity(
        [
            new Claim(UserIdClaim, user.Id.ToString(CultureInfo.InvariantCulture)),
            new Claim(StampClaim, user.Version),
            new Claim(SessionClaim, sessionId),
        ], Scheme);
        return context.SignInAsync(Scheme, new ClaimsPrincipal(identity));
    }

    /// <summary>
    /// The user and record version the cookie names, or null without a valid cookie. Whether the session still holds
    /// (the user exists, is enabled, and their record is unchanged) is the core's to decide.
    /// </summary>
    public static async Task<SessionTicket?> ReadAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(Scheme);
        if (!result.Succeeded
            || !int.TryParse(result.Principal.FindFirstValue(UserIdClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var userId)
            || result.Principal.FindFirstValue(StampClaim) is not { } stamp
            || result.Principal.FindFirstValue(SessionClaim) is not { } sessionId)
        {
            return null;
        }

        return new SessionTicket(sessionId, userId, stamp);
    }

    /// <summary>Deletes the browser's cookie (the server-side row is ended by the caller).</summary>
    public static Task SignOutAsync(HttpContext context) => context.SignOutAsync(Scheme);
}
