using System.Net;
using System.Text;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Keycard.Server.Tests.Security;

/// <summary>
/// Issue 12 item 1: anyone who knows a client id (they are public) must not be able to lock the client out. Failed
/// client authentication is throttled per (client, source address) only (RFC 6749 §10.10), and the source address
/// reaches the core from the connection.
/// </summary>
public sealed class ClientLockoutTests
{
    private const string Attacker = "198.51.100.66";
    private const string Application = "203.0.113.10";

    [Fact]
    public async Task Token_WrongSecretsFromAnotherAddress_RightSecretStillGetsATokenForever()
    {
        using var factory = await new KeycardFactory().SeedAsync();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 6; i++)
            {
                await ClientCredentialsAsync(factory, "wrong secret", Attacker);
            }

            var attacker = await ClientCredentialsAsync(factory, "wrong secret", Attacker);
            var application = await ClientCredentialsAsync(factory, factory.ConfidentialSecret, Application);

            Assert.Equal(StatusCodes.Status429TooManyRequests, attacker.Response.StatusCode);
            Assert.Equal(StatusCodes.Status200OK, application.Response.StatusCode);
            factory.Time.Advance(TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public async Task IOfficeToken_WrongSecretsFromAnotherAddress_RightSecretIsNotThrottled()
    {
        using var factory = await new KeycardFactory().SeedAsync();
        for (var i = 0; i < 6; i++)
        {
            await IOfficeClientCredentialsAsync(factory, "wrong secret", Attacker);
        }

        var application = await IOfficeClientCredentialsAsync(factory, factory.ConfidentialSecret, Application);

        Assert.NotEqual(StatusCodes.Status429TooManyRequests, application.Response.StatusCode);
        Assert.NotEqual(StatusCodes.Status401Unauthorized, application.Response.StatusCode);
    }

    private static Task<HttpContext> ClientCredentialsAsync(KeycardFactory factory, string secret, string address) =>
        factory.Server.SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = IPAddress.Parse(address);
            c.Request.Method = HttpMethods.Post;
            c.Request.Path = "/oauth2/token";
            c.Request.ContentType = "application/x-www-form-urlencoded";
            var body = "grant_type=client_credentials&client_id=" + KeycardFactory.ConfidentialClientId + "&client_secret=" + Uri.EscapeDataString(secret);
            c.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        });

    private static Task<HttpContext> IOfficeClientCredentialsAsync(KeycardFactory factory, string secret, string address) =>
        factory.Server.SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = IPAddress.Parse(address);
            c.Request.Method = HttpMethods.Post;
            c.Request.Path = "/external/api/oauth2/token";
            c.Request.Headers["x-grant-type"] = "client_credentials";
            c.Request.Headers["x-client-id"] = KeycardFactory.ConfidentialClientId;
            c.Request.Headers["x-client-secret"] = secret;
        });
}
