using System.Diagnostics;
using System.Net;
using System.Text;
using Keycard.Core.Security;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Keycard.Server.Tests.Security;

/// <summary>
/// Thousands of randomly mutated requests against every endpoint (seeded, so a failure replays): the server never
/// answers 5xx, every error description it sends is valid in a header (RFC 6749 §5.2, RFC 6750 §3), and it still
/// serves a correct flow afterwards.
/// </summary>
public sealed class FuzzTests
{
    private const int Seed = 20261127;
    private const int MaxRequests = 3000;
    private static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Fuzz_ThousandsOfMutatedRequests_NeverA5xxAndFlowStillWorks()
    {
        using var factory = new KeycardFactory();
        factory.Settings["Keycard:RateLimit:PasswordPermitsPerMinute"] = "1000000";
        await factory.SeedAsync();
        var page = LoginPageClient.Create(factory);
        var api = new IOfficeClient(factory.CreateClient());
        var query = LoginPageClient.DefaultQuery();
        var (form, html) = await page.GetAsync(query);
        var csrf = LoginPageClient.ExtractToken(html)!;
        var cookie = form.Headers.GetValues("Set-Cookie").First().Split(';')[0];
        var tokens = await api.SignInAsync();
        var seeds = new SeedValues(csrf, cookie, await api.GetCodeAsync(), tokens.AccessToken, tokens.RefreshToken!, factory.ConfidentialSecret);

        // KEYCARD_FUZZ_SEED explores other seeds; the default keeps CI reproducible.
        var seed = int.TryParse(Environment.GetEnvironmentVariable("KEYCARD_FUZZ_SEED"), out var chosen) ? chosen : Seed;
        var random = new Random(seed);
        var failures = new List<string>();
        var watch = Stopwatch.StartNew();
        var sent = 0;
        for (var i = 0; i < MaxRequests && watch.Elapsed < MaxDuration; i++)
        {
            var model = Template(random, seeds);
            var mutations = random.Next(1, 5);
            for (var m = 0; m < mutations; m++)
            {
                Mutate(random, model);
            }

            sent++;
            try
            {
                var context = await factory.Server.SendAsync(model.Apply);
                var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
                if (context.Response.StatusCode >= 500)
                {
                    failures.Add($"#{i} {model}: {context.Response.StatusCode} {body}");
                }

                var response = context.Response;
                foreach (var invalid in ErrorDescriptions.FindInvalid(response.ContentType, body, response.Headers.WWWAuthenticate.Select(v => v ?? ""), response.Headers.Location.FirstOrDefault()))
                {
                    failures.Add($"#{i} {model}: error_description not valid in a header: {invalid}");
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures.Add($"#{i} {model}: {e.GetType().Name} {e.Message}");
            }
        }

        Assert.True(failures.Count == 0, $"seed {seed}, {failures.Count} failures:\n" + string.Join('\n', failures.Take(20)));
        Assert.True(sent >= 500, $"only {sent} requests in {watch.Elapsed}");

        // Lockouts the fuzzing earned for alice expire; then the whole flow works on both entry points.
        factory.Time.Advance(TimeSpan.FromHours(2));
        using var signIn = await LoginPageClient.Create(factory).SignInAsync(query);
        using var exchange = await api.ExchangeAsync(LoginPageClient.CodeFrom(signIn));
        Assert.Equal(HttpStatusCode.OK, exchange.StatusCode);
        var after = await api.SignInAsync();
        using var me = await api.MeAsync(after.AccessToken, "query");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using var refreshed = await api.RefreshAsync(after.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
    }

    private sealed record SeedValues(string Csrf, string Cookie, string Code, string AccessToken, string RefreshToken, string Secret);

    private static RequestModel Template(Random random, SeedValues seeds)
    {
        var loginQuery = new List<KeyValuePair<string, string>>
        {
            new("response_type", "code"),
            new("client_id", KeycardFactory.PublicClientId),
            new("redirect_uri", KeycardFactory.RedirectUri),
            new("scope", "email"),
            new("state", "xyz"),
        };
        if (random.Next(3) == 0)
        {
            loginQuery.Add(new("code_challenge", Pkce.ComputeChallenge(SecureToken.Generate())));
            loginQuery.Add(new("code_challenge_method", "S256"));
        }

        var (client, secret) = random.Next(3) == 0 ? (KeycardFactory.ConfidentialClientId, seeds.Secret) : (KeycardFactory.PublicClientId, (string?)null);
        var model = new RequestModel();
        switch (random.Next(9))
        {
            case 0:
                model.Method = "GET";
                model.Path = "/login.html";
                model.Query.AddRange(loginQuery);
                break;
            case 1:
                model.Method = "POST";
                model.Path = "/login.html";
                model.Query.AddRange(loginQuery);
                model.Headers.Add(new("Cookie", seeds.Cookie));
                model.Form = [new(LoginPageClient.AntiforgeryField, seeds.Csrf), new("username", KeycardFactory.UserName), new("password", Pick(random, KeycardFactory.Password, "wrong password"))];
                if (random.Next(2) == 0)
                {
                    model.Headers.Add(new("Origin", Pick(random, "null", "http://localhost", "https://evil.example")));
                }

                break;
            case 2:
                model.Method = "POST";
                model.Path = "/external/api/oauth2/auth";
                model.Headers.AddRange([new("x-auth-username", KeycardFactory.UserName), new("x-auth-password", Pick(random, KeycardFactory.Password, "wrong password")), new("x-client-id", client), new("x-scope", "email"), new("x-redirect-uri", KeycardFactory.RedirectUri)]);
                AddSecret(model, secret);
                break;
            case 3:
                model.Method = "POST";
                model.Path = "/external/api/oauth2/token";
                model.Headers.AddRange([new("x-grant-type", "authorization_code"), new("x-client-id", client), new("x-scope", "email"), new("x-redirect-uri", KeycardFactory.RedirectUri), new("x-auth-code", seeds.Code), new("x-code-verifier", SecureToken.Generate())]);
                AddSecret(model, secret);
                break;
            case 4:
                model.Method = "POST";
                model.Path = "/external/api/oauth2/token";
                model.Headers.AddRange([new("x-grant-type", Pick(random, "refresh_token", "client_credentials", "password")), new("x-client-id", client), new("x-scope", "email"), new("x-refresh-token", seeds.RefreshToken)]);
                AddSecret(model, secret);
                break;
            case 5:
                model.Method = Pick(random, "POST", "GET");
                model.Path = "/external/api/oauth2/revoke";
                model.Headers.Add(new("x-token", Pick(random, seeds.AccessToken, seeds.RefreshToken, SecureToken.Generate())));
                break;
            case 6:
                model.Method = "GET";
                model.Path = "/external/api/oauth2/tokeninfo";
                model.Headers.Add(new(Pick(random, "x-token", "x-access-token"), seeds.AccessToken));
                break;
            case 7:
                model.Method = "GET";
                model.Path = "/external/api/rest/v2/users/me";
                switch (random.Next(3))
                {
                    case 0:
                        model.Query.Add(new("access_token", seeds.AccessToken));
                        break;
                    case 1:
                        model.Headers.Add(new("x-access-token", seeds.AccessToken));
                        break;
                    default:
                        model.Headers.Add(new("Authorization", "Bearer " + seeds.AccessToken));
                        break;
                }

                break;
            default:
                model.Method = "OPTIONS";
                model.Path = Pick(random, "/external/api/oauth2/token", "/external/api/oauth2/auth", "/external/api/rest/v2/users/me");
                model.Headers.AddRange([new("Origin", Pick(random, KeycardFactory.Origin, "https://evil.example", "null")), new("Access-Control-Request-Method", "POST"), new("Access-Control-Request-Headers", "x-client-id,x-auth-code")]);
                break;
        }

        return model;
    }

    private static void AddSecret(RequestModel model, string? secret)
    {
        if (secret is not null)
        {
            model.Headers.Add(new("x-client-secret", secret));
        }
    }

    private static void Mutate(Random random, RequestModel model)
    {
        var lists = new List<List<KeyValuePair<string, string>>> { model.Query, model.Headers };
        if (model.Form is not null)
        {
            lists.Add(model.Form);
        }

        var list = lists[random.Next(lists.Count)];
        switch (random.Next(12))
        {
            case 0 when list.Count > 0:
                list.RemoveAt(random.Next(list.Count));
                break;
            case 1 when list.Count > 0:
                list.Add(list[random.Next(list.Count)]);
                break;
            case 2 when list.Count > 0:
            case 3 when list.Count > 0:
            case 4 when list.Count > 0:
                var index = random.Next(list.Count);
                list[index] = new(list[index].Key, Garbage(random, list[index].Value));
                break;
            case 5:
                list.Add(new(Pick(random, "x-", "", "access_token", "code", "x-client-id", "x-scope") + Garbage(random, "name").Replace(':', '-'), Garbage(random, "")));
                break;
            case 6:
                model.Method = Pick(random, "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE");
                break;
            case 7:
                model.Path = Pick(random, model.Path + "/", model.Path.ToUpperInvariant(), "/" + model.Path, model.Path + "%2F..", model.Path + "/%00", model.Path + "%", model.Path.Replace('/', '\\'), "/external/api/oauth2/" + Garbage(random, "x"));
                break;
            case 8:
                model.RawQuerySuffix = Pick(random, "&", "&&=", "%", "%zz", "%C3%28", "%FF", "=%E2%82", "&state=%00", "&a=" + new string('b', random.Next(1, 20_000)), "&" + Garbage(random, "q"));
                break;
            case 9:
                model.RawBody = Garbage(random, "body");
                model.ContentType = Pick(random, "application/x-www-form-urlencoded", "application/json", "multipart/form-data", "multipart/form-data; boundary=x", "text/plain", "application/x-www-form-urlencoded; charset=utf-16", "garbage/;;;");
                break;
            case 10:
                model.Headers.Add(new(Pick(random, "Origin", "Cookie", "Host", "Content-Type", "Accept", "X-Forwarded-For", "X-Forwarded-Proto", "Authorization", "Referer"), Garbage(random, "v")));
                break;
            default:
                if (model.Form is not null)
                {
                    model.RawBody = Garbage(random, string.Join('&', model.Form.Select(p => p.Key + "=" + p.Value)));
                    model.ContentType = "application/x-www-form-urlencoded";
                }

                break;
        }
    }

    private static string Garbage(Random random, string original)
    {
        switch (random.Next(12))
        {
            case 0:
                return "";
            case 1:
                return new string((char)random.Next('a', 'z' + 1), random.Next(1_000, 1_100_000));
            case 2:
                return new string(Enumerable.Range(0, random.Next(1, 40)).Select(_ => (char)random.Next(0, 32)).ToArray());
            case 3:
                return original + Pick(random, "%", "%zz", "%C3%28", "%00", "%ED%A0%80", "%FF%FE", "+", "%2B%25");
            case 4:
                return Pick(random, "<script>alert(1)</script>", "' OR 1=1 --", "\"><img src=x onerror=alert(1)>", "../../etc/passwd", "${jndi:ldap://x}", "\\u0000", "null", "undefined", "NaN", "-1", "99999999999999999999");
            case 5:
                return new string(Enumerable.Range(0, random.Next(1, 60)).Select(_ => (char)random.Next(0x80, 0x3000)).ToArray());
            case 6:
                return "\uD800" + original + "\uDFFF";
            case 7:
                return "😀🔑" + original;
            case 8:
                var chars = original.ToCharArray();
                if (chars.Length > 0)
                {
                    chars[random.Next(chars.Length)] = (char)random.Next(0, 256);
                }

                return new string(chars);
            case 9:
                return original.Length > 1 ? original[..random.Next(original.Length)] : original + original;
            case 10:
                return string.Concat(Enumerable.Repeat(original, random.Next(2, 50)));
            default:
                var bytes = new byte[random.Next(1, 200)];
                random.NextBytes(bytes);
                return Encoding.Latin1.GetString(bytes);
        }
    }

    private static T Pick<T>(Random random, params T[] values) => values[random.Next(values.Length)];

    private sealed class RequestModel
    {
        public string Method { get; set; } = "GET";

        public string Path { get; set; } = "/";

        public List<KeyValuePair<string, string>> Query { get; } = [];

        public string RawQuerySuffix { get; set; } = "";

        public List<KeyValuePair<string, string>> Headers { get; } = [];

        public List<KeyValuePair<string, string>>? Form { get; set; }

        public string? RawBody { get; set; }

        public string? ContentType { get; set; }

        /// <summary>Writes the request straight into the server's HttpContext, so raw bytes (a lone '%', odd headers) arrive unescaped.</summary>
        public void Apply(HttpContext context)
        {
            var request = context.Request;
            request.Method = Method;
            request.Scheme = "http";
            request.Host = new HostString("localhost");
            request.Path = new PathString(Path.StartsWith('/') ? Path : "/" + Path);
            var query = string.Join('&', Query.Select(p => Uri.EscapeDataString(Clean(p.Key)) + "=" + Uri.EscapeDataString(Clean(p.Value)))) + RawQuerySuffix;
            request.QueryString = query.Length > 0 ? new QueryString("?" + query) : QueryString.Empty;

            byte[]? body = null;
            if (RawBody is not null)
            {
                body = Encoding.UTF8.GetBytes(Clean(RawBody));
                request.ContentType = ContentType;
            }
            else if (Form is not null)
            {
                body = Encoding.UTF8.GetBytes(string.Join('&', Form.Select(p => Uri.EscapeDataString(Clean(p.Key)) + "=" + Uri.EscapeDataString(Clean(p.Value)))));
                request.ContentType = "application/x-www-form-urlencoded";
            }

            if (body is not null)
            {
                request.Body = new MemoryStream(body);
                request.ContentLength = body.Length;
            }

            // HTTP cannot carry CR, LF or NUL in a header (the server rejects them before Keycard); anything else may arrive.
            foreach (var group in Headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
            {
                var name = new string(group.Key.Where(c => c > 0x20 && c < 0x7F && c != ':').ToArray());
                if (name.Length > 0)
                {
                    request.Headers[name] = new StringValues(group.Select(h => h.Value.Replace('\r', ' ').Replace('\n', ' ').Replace('\0', ' ')).ToArray());
                }
            }
        }

        /// <summary>Lone surrogates cannot be percent-encoded; keep them out of URLs and bodies.</summary>
        private static string Clean(string value) => string.Concat(value.Where(c => !char.IsSurrogate(c)));

        public override string ToString() =>
            $"{Method} {Path} q[{string.Join(',', Query.Select(p => p.Key))}]{(RawQuerySuffix.Length > 0 ? "+raw" : "")} h[{string.Join(',', Headers.Select(p => p.Key))}]{(RawBody is not null ? " body:" + ContentType : "")}";
    }
}
