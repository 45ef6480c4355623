using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Keycard.Server.Tests.Security;

/// <summary>
/// Brute force (RFC 6749 §10.10; OWASP Authentication Cheat Sheet): failures are counted per account across every
/// sign-in entry point, the lock grows, one address is capped, and an unknown user looks like a wrong password.
/// </summary>
public sealed class AccountProtectionTests
{
    private const string Auth = "/external/api/oauth2/auth";

    [Fact]
    public async Task Lockout_FailuresSpreadOverLoginPageAndApi_LocksAccountEvenForRightPassword()
    {
        using var factory = await new KeycardFactory().SeedAsync();
        var api = new IOfficeClient(factory.CreateClient());
        var page = LoginPageClient.Create(factory);
        var query = LoginPageClient.DefaultQuery();

        for (var i = 0; i < 3; i++)
        {
            using var failed = await page.SignInAsync(query, password: "wrong password " + i);
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        }

        for (var i = 0; i < 2; i++)
        {
            using var failed = await api.AuthAsync(KeycardFactory.UserName, "wrong password", KeycardFactory.PublicClientId);
            await ResponseAssert.ErrorAsync(failed, HttpStatusCode.BadRequest, "invalid_grant");
        }

        using var apiLocked = await api.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, KeycardFactory.PublicClientId);
        await ResponseAssert.ErrorAsync(apiLocked, HttpStatusCode.TooManyRequests, "too_many_attempts");
        Assert.Equal(TimeSpan.FromMinutes(1), apiLocked.Headers.RetryAfter?.Delta);

        using var pageLocked = await page.SignInAsync(query);
        Assert.Equal(HttpStatusCode.TooManyRequests, pageLocked.StatusCode);
        Assert.Null(pageLocked.Headers.Location);
        Assert.Contains("This account is locked for a while", await pageLocked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lockout_FailureAfterLockExpires_LocksForTwiceAsLong()
    {
        using var factory = await new KeycardFactory().SeedAsync();
        var api = new IOfficeClient(factory.CreateClient());
        for (var i = 0; i < 5; i++)
        {
            (await api.AuthAsync(KeycardFactory.UserName, "wrong password", KeycardFactory.PublicClientId)).Dispose();
        }

        factory.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        using var sixth = await api.AuthAsync(KeycardFactory.UserName, "wrong password", KeycardFactory.PublicClientId);
        await ResponseAssert.ErrorAsync(sixth, HttpStatusCode.BadRequest, "invalid_grant");

        using var locked = await api.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, KeycardFactory.PublicClientId);

        await ResponseAssert.ErrorAsync(locked, HttpStatusCode.TooManyRequests, "too_many_attempts");
        Assert.Equal(TimeSpan.FromMinutes(2), locked.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Lockout_AfterLockExpires_RightPasswordSignsIn()
    {
        using var factory = await new KeycardFactory().SeedAsync();
        var api = new IOfficeClient(factory.CreateClient());
        for (var i = 0; i < 5; i++)
        {
            (await api.AuthAsync(KeycardFactory.UserName, "wrong password", KeycardFactory.PublicClientId)).Dispose();
        }

        factory.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        using var response = await api.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, KeycardFactory.PublicClientId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Lockout_MaxFailedAttemptsConfigured_LocksAfterThatMany()
    {
        using var factory = new KeycardFactory();
        factory.Settings["Keycard:Lockout:MaxFailedAttempts"] = "2";
        await factory.SeedAsync();
        var api = new IOfficeClient(factory.CreateClient());
        for (var i = 0; i < 2; i++)
        {
            (await api.AuthAsync(KeycardFactory.UserName, "wrong password", KeycardFactory.PublicClientId)).Dispose();
        }

        using var locked = await api.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, KeycardFactory.PublicClientId);

        await ResponseAssert.ErrorAsync(locked, HttpStatusCode.TooManyRequests, "too_many_attempts");
    }

    [Fact]
    public async Task UnknownUser_ComparedWithWrongPassword_SameStatusSameBodyComparableTime()
    {
        using var factory = await new KeycardFactory().SeedAsync();
        var api = new IOfficeClient(factory.CreateClient());

        // Warm up both paths (JIT, the dummy hash, connection pool); alice ends at 4 failures, below the lockout.
        (await api.AuthAsync(KeycardFactory.UserName, "wrong password", KeycardFactory.PublicClientId)).Dispose();
        (await api.AuthAsync("nobody-warmup", "wrong password", KeycardFactory.PublicClientId)).Dispose();

        var wrong = new List<TimeSpan>();
        var unknown = new List<TimeSpan>();
        string? wrongBody = null;
        string? unknownBody = null;
        for (var i = 0; i < 3; i++)
        {
            var (wrongStatus, wBody, wTime) = await TimeAsync(() => api.AuthAsync(KeycardFactory.UserName, "wrong password " + i, KeycardFactory.PublicClientId));
            var (unknownStatus, uBody, uTime) = await TimeAsync(() => api.AuthAsync("nobody-" + i, "wrong password " + i, KeycardFactory.PublicClientId));
            Assert.Equal(wrongStatus, unknownStatus);
            wrongBody = wBody;
            unknownBody = uBody;
            wrong.Add(wTime);
            unknown.Add(uTime);
        }

        Assert.Equal(wrongBody, unknownBody);

        // Without the dummy hash an unknown user answers in a millisecond and a wrong password after a PBKDF2.
        var wrongMedian = wrong.Order().ElementAt(1);
        var unknownMedian = unknown.Order().ElementAt(1);
        Assert.True(unknownMedian >= wrongMedian / 2, $"unknown user {unknownMedian.TotalMilliseconds} ms, wrong password {wrongMedian.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task ClientSecret_RepeatedlyWrong_ThrottlesTheClientEvenForTheRightSecret()
    {
        using var factory = await new KeycardFactory().SeedAsync();
        var http = factory.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            using var failed = await ClientCredentialsAsync(http, "wrong-secret-" + i);
            await ResponseAssert.ErrorAsync(failed, HttpStatusCode.Unauthorized, "invalid_client");
        }

        using var locked = await ClientCredentialsAsync(http, factory.ConfidentialSecret);
        await ResponseAssert.ErrorAsync(locked, HttpStatusCode.TooManyRequests, "too_many_attempts");
        Assert.True(locked.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        factory.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        using var after = await ClientCredentialsAsync(http, factory.ConfidentialSecret);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task RateLimit_AddressOverItsPermits_Gets429WithRetryAfterOnApiAndPage()
    {
        using var factory = new KeycardFactory();
        factory.Settings["Keycard:RateLimit:PasswordPermitsPerMinute"] = "3";
        await factory.SeedAsync();
        var api = new IOfficeClient(factory.CreateClient());
        var page = LoginPageClient.Create(factory);
        var query = LoginPageClient.DefaultQuery();

        // Different unknown accounts: the per-account lockout never triggers, only the per-address cap can.
        for (var i = 0; i < 3; i++)
        {
            using var allowed = await api.AuthAsync("sprayed-" + i, "password", KeycardFactory.PublicClientId);
            await ResponseAssert.ErrorAsync(allowed, HttpStatusCode.BadRequest, "invalid_grant");
        }

        using var limited = await api.AuthAsync("sprayed-4", "password", KeycardFactory.PublicClientId);
        await ResponseAssert.ErrorAsync(limited, HttpStatusCode.TooManyRequests, "too_many_attempts");
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        var token = await page.GetTokenAsync(query);
        using var pageLimited = await page.PostAsync(query, KeycardFactory.UserName, KeycardFactory.Password, token);
        Assert.Equal(HttpStatusCode.TooManyRequests, pageLimited.StatusCode);
        Assert.NotNull(pageLimited.Headers.RetryAfter);
        Assert.Null(pageLimited.Headers.Location);
        Assert.Contains("Too many password attempts", await pageLimited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimit_DefaultPermits_ThirtyPerMinute()
    {
        using var factory = await new KeycardFactory().SeedAsync();

        var statuses = new List<int>();
        for (var i = 0; i < 31; i++)
        {
            // No credentials: the request is refused cheaply, but it still spends a password attempt of the address.
            var context = await factory.Server.SendAsync(c => Prepare(c, "192.0.2.1"));
            statuses.Add(context.Response.StatusCode);
        }

        Assert.All(statuses.Take(30), s => Assert.Equal(StatusCodes.Status400BadRequest, s));
        Assert.Equal(StatusCodes.Status429TooManyRequests, statuses[30]);
    }

    [Fact]
    public async Task RateLimit_OneAddressExhausted_OtherAddressStillServed()
    {
        using var factory = new KeycardFactory();
        factory.Settings["Keycard:RateLimit:PasswordPermitsPerMinute"] = "2";
        await factory.SeedAsync();
        for (var i = 0; i < 3; i++)
        {
            await factory.Server.SendAsync(c => Prepare(c, "192.0.2.1"));
        }

        var exhausted = await factory.Server.SendAsync(c => Prepare(c, "192.0.2.1"));
        var other = await factory.Server.SendAsync(c => Prepare(c, "192.0.2.2"));

        Assert.Equal(StatusCodes.Status429TooManyRequests, exhausted.Response.StatusCode);
        Assert.Equal(StatusCodes.Status400BadRequest, other.Response.StatusCode);
        using var body = await JsonDocument.ParseAsync(exhausted.Response.Body);
        Assert.Equal(429, body.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("too_many_attempts", body.RootElement.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("errorDescription").GetString()));
    }

    [Fact]
    public async Task RateLimit_StandardAuthorizePost_SharesTheAddressLimit()
    {
        using var factory = new KeycardFactory();
        factory.Settings["Keycard:RateLimit:PasswordPermitsPerMinute"] = "2";
        await factory.SeedAsync();
        for (var i = 0; i < 2; i++)
        {
            await factory.Server.SendAsync(c => Prepare(c, "192.0.2.7"));
        }

        // The sign-in form's post: the authorization request in its action's query, the password in its body.
        var limited = await factory.Server.SendAsync(c =>
        {
            Prepare(c, "192.0.2.7");
            c.Request.Path = "/oauth2/authorize";
            c.Request.QueryString = new QueryString("?response_type=code&client_id=" + KeycardFactory.PublicClientId);
        });

        Assert.Equal(StatusCodes.Status429TooManyRequests, limited.Response.StatusCode);
    }

    [Fact]
    public async Task RateLimit_PostedAuthorizationRequests_SpendNoPasswordAttempt()
    {
        using var factory = new KeycardFactory();
        factory.Settings["Keycard:RateLimit:PasswordPermitsPerMinute"] = "2";
        await factory.SeedAsync();

        // OpenID Connect Core §3.1.2.1: a relying party may post its authorization request. It carries no password
        // (no client in the URL: not the sign-in form's post), so requests beyond the address's password permits are
        // still answered; the sign-in form they show is what spends an attempt.
        var statuses = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            var context = await factory.Server.SendAsync(c =>
            {
                c.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.8");
                c.Request.Method = HttpMethods.Post;
                c.Request.Path = "/oauth2/authorize";
                c.Request.ContentType = "application/x-www-form-urlencoded";
                c.Request.Body = new MemoryStream(Encoding.ASCII.GetBytes(
                    "response_type=code&scope=openid&code_challenge_method=S256&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&client_id=" +
                    KeycardFactory.PublicClientId + "&redirect_uri=" + Uri.EscapeDataString(KeycardFactory.RedirectUri)));
            });
            statuses.Add(context.Response.StatusCode);
        }

        // Each shows the sign-in form (200), none is refused for the address's spent attempts (429).
        Assert.All(statuses, s => Assert.Equal(StatusCodes.Status200OK, s));
        var password = await factory.Server.SendAsync(c => Prepare(c, "192.0.2.8"));
        Assert.Equal(StatusCodes.Status400BadRequest, password.Response.StatusCode);
    }

    private static void Prepare(HttpContext context, string address)
    {
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        context.Request.Method = HttpMethods.Post;
        context.Request.Path = Auth;
        context.Request.Headers["x-client-id"] = KeycardFactory.PublicClientId;
    }

    private static Task<HttpResponseMessage> ClientCredentialsAsync(HttpClient http, string secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/external/api/oauth2/token");
        request.Headers.Add("x-grant-type", "client_credentials");
        request.Headers.Add("x-client-id", KeycardFactory.ConfidentialClientId);
        request.Headers.Add("x-client-secret", secret);
        return http.SendAsync(request);
    }

    private static async Task<(HttpStatusCode Status, string Body, TimeSpan Time)> TimeAsync(Func<Task<HttpResponseMessage>> send)
    {
        var watch = Stopwatch.StartNew();
        using var response = await send();
        var body = await response.Content.ReadAsStringAsync();
        watch.Stop();
        return (response.StatusCode, body, watch.Elapsed);
    }
}
