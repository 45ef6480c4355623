using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Server.Tests.Interop;

/// <summary>
/// The relying party of <see cref="AspNetCoreOpenIdConnectHandlerTests"/> (on a TestServer) and
/// <see cref="AspNetCoreOpenIdConnectHandlerServeTests"/> (on Kestrel, against <c>keycard serve</c>): ASP.NET Core's
/// OpenID Connect handler with nothing but Keycard's authority and a client id (code flow, PKCE, profile and email,
/// UserInfo), a cookie session, <c>/</c> showing the user's claims, <c>/logout</c> signing out through end_session, and
/// <c>/bye</c> where it lands.
/// </summary>
internal static class AspNetCoreOpenIdConnectHandlerApp
{
    public const string ClientId = "oidc-app";

    /// <param name="host">Where the app listens (a TestServer, or a Kestrel port).</param>
    /// <param name="authority">Keycard's origin, read when the handler first needs it (after Keycard has started).</param>
    /// <param name="backchannel">How the handler reaches Keycard (discovery, JWKS, token, UserInfo).</param>
    /// <param name="plainHttp">
    /// The app runs on plain http on loopback: the correlation and nonce cookies are Secure by default, which a
    /// browser would not send back over http.
    /// </param>
    /// <param name="configure">Any further handler options a test sets (e.g. how the authorization request is sent).</param>
    public static WebApplication Build(Action<IWebHostBuilder> host, Func<string> authority, HttpMessageHandler backchannel, bool plainHttp = false, Action<OpenIdConnectOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        host(builder.WebHost);
        builder.Services
            .AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie()
            .AddOpenIdConnect(o =>
            {
                o.Authority = authority();
                o.RequireHttpsMetadata = false;
                o.ClientId = ClientId;
                o.ResponseType = "code";
                o.UsePkce = true;
                o.Scope.Add("profile");
                o.Scope.Add("email");
                o.GetClaimsFromUserInfoEndpoint = true;
                o.SaveTokens = true;
                o.MapInboundClaims = false;
                o.BackchannelHttpHandler = backchannel;
                if (plainHttp)
                {
                    o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                    o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                }

                configure?.Invoke(o);
            });
        builder.Services.AddAuthorization();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/", (HttpContext context) =>
        {
            string Claim(string type) => context.User.FindFirstValue(type) ?? "-";
            return Results.Text($"sub={Claim("sub")}; name={Claim("name")}; email={Claim("email")}; amr={Claim("amr")}");
        }).RequireAuthorization();
        app.MapGet("/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            await context.SignOutAsync(OpenIdConnectDefaults.AuthenticationScheme, new AuthenticationProperties { RedirectUri = "/bye" });
        });
        app.MapGet("/bye", () => Results.Text("bye"));
        return app;
    }
}
