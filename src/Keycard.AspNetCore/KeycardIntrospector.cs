using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Keycard.AspNetCore;

/// <summary>
/// Asks Keycard's <c>/oauth2/introspect</c> (RFC 7662 §2.1, client-authenticated with HTTP Basic, RFC 6749 §2.3.1) and
/// caches each answer for <see cref="KeycardAuthenticationOptions.IntrospectionCacheDuration"/> at most, never past
/// the token's <c>exp</c>. The cache is keyed by the token's SHA-256, so the tokens themselves are not kept in memory.
/// An inactive token whose answer carries Keycard's <c>keycard_inactive_reason: "expired"</c> is
/// <see cref="KeycardTokenStatus.Expired"/>; every other inactive token is <see cref="KeycardTokenStatus.Invalid"/>.
/// </summary>
public sealed partial class KeycardIntrospector(IHttpClientFactory http, TimeProvider time, ILogger<KeycardIntrospector> logger)
{
    public const string HttpClientName = "Keycard.AspNetCore";

    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (KeycardTokenCheck Check, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public async Task<KeycardTokenCheck> IntrospectAsync(string token, KeycardAuthenticationOptions options, CancellationToken cancellationToken)
    {
        var key = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(key, out var cached) && now < cached.Until)
        {
            return cached.Check.ExpiresAt is { } exp && now >= exp ? KeycardTokenCheck.Expired : cached.Check;
        }

        var check = await AskAsync(token, options, cancellationToken);
        if (check.Status != KeycardTokenStatus.Unavailable && options.IntrospectionCacheDuration > TimeSpan.Zero)
        {
            var until = now + options.IntrospectionCacheDuration;
            if (check.ExpiresAt is { } exp && exp < until)
            {
                until = exp;
            }

            if (_cache.Count >= MaxEntries)
            {
                foreach (var stale in _cache.Where(e => e.Value.Until <= now).Select(e => e.Key).ToList())
                {
                    _cache.TryRemove(stale, out _);
                }

                if (_cache.Count >= MaxEntries)
                {
                    _cache.Clear();
                }
            }

            _cache[key] = (check, until);
        }

        return check;
    }

    private async Task<KeycardTokenCheck> AskAsync(string token, KeycardAuthenticationOptions options, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Authority.TrimEnd('/') + "/oauth2/introspect")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token, ["token_type_hint"] = "access_token" }),
        };

        // RFC 6749 §2.3.1: client id and secret are form-urlencoded before Basic encoding.
        var credentials = Uri.EscapeDataString(options.ClientId!) + ":" + Uri.EscapeDataString(options.ClientSecret!);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                LogIntrospectionRefused(logger, (int)response.StatusCode);
                return KeycardTokenCheck.Unavailable;
            }

            using var answer = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return Read(answer.RootElement, options);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogIntrospectionFailed(logger, e.GetType().Name);
            return KeycardTokenCheck.Unavailable;
        }
    }

    private static KeycardTokenCheck Read(JsonElement answer, KeycardAuthenticationOptions options)
    {
        if (!answer.TryGetProperty("active", out var active) || active.ValueKind != JsonValueKind.True)
        {
            return answer.TryGetProperty("keycard_inactive_reason", out var reason) && reason.ValueKind == JsonValueKind.String && reason.GetString() == "expired"
                ? KeycardTokenCheck.Expired
                : KeycardTokenCheck.Invalid;
        }

        // An introspected refresh token is not an access token (RFC 7662 §2.2 token_type).
        if (answer.TryGetProperty("token_type", out var type) && type.ValueKind == JsonValueKind.String && !string.Equals(type.GetString(), "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return KeycardTokenCheck.Invalid;
        }

        // RFC 7662 §2.2 aud / RFC 8707: a token bound to another resource is not for this API. A token bound to none
        // (aud is Keycard itself) is accepted, as before Keycard named audiences; a JWT checked locally needs aud = Resource.
        if (options.Resource is { Length: > 0 } resource && answer.TryGetProperty("aud", out var aud)
            && !Audiences(aud).Any(a => string.Equals(a, resource, StringComparison.Ordinal) || string.Equals(a.TrimEnd('/'), options.Authority.TrimEnd('/'), StringComparison.Ordinal)))
        {
            return KeycardTokenCheck.Invalid;
        }

        var identity = new ClaimsIdentity(options.ClaimsIssuer ?? KeycardAuthenticationDefaults.AuthenticationScheme, KeycardAuthenticationDefaults.SubjectClaim, null);
        foreach (var name in new[] { "sub", "client_id", "scope", "username" })
        {
            if (answer.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
            {
                identity.AddClaim(new Claim(name, value.GetString()!));
            }
        }

        DateTimeOffset? expiresAt = answer.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
        if (expiresAt is { } at)
        {
            identity.AddClaim(new Claim("exp", at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        }

        return new KeycardTokenCheck(KeycardTokenStatus.Valid, identity, expiresAt);
    }

    private static IEnumerable<string> Audiences(JsonElement aud) => aud.ValueKind switch
    {
        JsonValueKind.String => [aud.GetString()!],
        JsonValueKind.Array => aud.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!),
        _ => [],
    };

    [LoggerMessage(EventId = 1702, Level = LogLevel.Warning, Message = "Keycard introspection answered HTTP {Status}; check this API's ClientId/ClientSecret and Keycard:IntrospectionClients")]
    private static partial void LogIntrospectionRefused(ILogger logger, int status);

    [LoggerMessage(EventId = 1703, Level = LogLevel.Warning, Message = "Keycard introspection failed ({Error}); requests get 503 until Keycard answers")]
    private static partial void LogIntrospectionFailed(ILogger logger, string error);
}
