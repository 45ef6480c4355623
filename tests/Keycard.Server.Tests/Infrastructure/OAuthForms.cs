using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Keycard.Core.Security;

namespace Keycard.Server.Tests.Infrastructure;

/// <summary>Speaks the standard dialect by hand, byte for byte, so tests control every parameter and header.</summary>
public sealed class OAuthForms(HttpClient http)
{
    public const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    public static string Challenge => Pkce.ComputeChallenge(Verifier);

    public HttpClient Http => http;

    public static string AuthorizeUrl(string clientId = KeycardFactory.PublicClientId, string? redirectUri = KeycardFactory.RedirectUri,
        string? scope = "email", string? state = "xyz", string? challenge = null /* null: the test challenge, "": none */, string? method = "S256", string? responseType = "code")
    {
        var parameters = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parameters.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }

        Add("response_type", responseType);
        Add("client_id", clientId);
        Add("redirect_uri", redirectUri);
        Add("scope", scope);
        Add("state", state);
        Add("code_challenge", challenge ?? Challenge);
        Add("code_challenge_method", method);
        return "/oauth2/authorize?" + string.Join('&', parameters);
    }

    public Task<HttpResponseMessage> PostAsync(string path, IEnumerable<KeyValuePair<string, string>> form, AuthenticationHeaderValue? authorization = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = authorization;
        return http.SendAsync(request);
    }

    public Task<HttpResponseMessage> TokenAsync(params (string Name, string Value)[] form) =>
        PostAsync("/oauth2/token", form.Select(p => KeyValuePair.Create(p.Name, p.Value)));

    public Task<HttpResponseMessage> TokenWithBasicAsync(string clientId, string secret, params (string Name, string Value)[] form) =>
        PostAsync("/oauth2/token", form.Select(p => KeyValuePair.Create(p.Name, p.Value)), Basic(clientId, secret));

    /// <summary>RFC 6749 §2.3.1: each part form-urlencoded, then joined and base64-encoded.</summary>
    public static AuthenticationHeaderValue Basic(string clientId, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(FormEncode(clientId) + ":" + FormEncode(secret))));

    public static string FormEncode(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);

    /// <summary>Reads code, state and iss from a redirect to the client's callback.</summary>
    public static Dictionary<string, string> ReadRedirect(HttpResponseMessage response, string expectedPrefix = KeycardFactory.RedirectUri)
    {
        var location = response.Headers.Location?.ToString() ?? "";
        Assert.StartsWith(expectedPrefix + "?", location);
        return Query(new Uri(location));
    }

    public static Dictionary<string, string> Query(Uri uri) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p.Length > 1 ? p[1].Replace('+', ' ') : ""));

    public static async Task ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("error_description").GetString()));

        // RFC 6749 §5.2: exactly error, error_description (and optionally error_uri); nothing of the iOFFICE shape.
        Assert.False(body.TryGetProperty("status", out _));
    }
}
