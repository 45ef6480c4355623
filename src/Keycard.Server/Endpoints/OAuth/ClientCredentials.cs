using System.Text;
using Keycard.Core.Clients;
using Keycard.Core.Errors;
using Keycard.Server.Http;

namespace Keycard.Server.Endpoints.OAuth;

/// <summary>
/// How the client identified itself: HTTP Basic (client_secret_basic), form fields (client_secret_post), or its
/// client_id alone (a public client, "none"). RFC 6749 §2.3: "MUST NOT use more than one authentication method".
/// </summary>
internal sealed record ClientCredentials(string? ClientId, string? Secret, ProtocolError? Error)
{
    public static ClientCredentials Read(HttpRequest request, IFormCollection form, ParameterReader reader)
    {
        var formId = reader.Read(form["client_id"], "client_id", ClientAuthenticator.MaxClientIdLength);
        var formSecret = reader.Read(form["client_secret"], "client_secret", ClientAuthenticator.MaxSecretLength);

        var authorization = request.Headers.Authorization;
        if (authorization.Count == 0)
        {
            return formId is null
                ? new ClientCredentials(null, null, ProtocolError.InvalidClient("Client authentication is missing: send HTTP Basic credentials or client_id (and client_secret) in the form."))
                : new ClientCredentials(formId, formSecret, null);
        }

        if (authorization.Count > 1)
        {
            return new ClientCredentials(null, null, ProtocolError.InvalidRequest("The Authorization header was sent more than once."));
        }

        var header = authorization[0] ?? "";
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return new ClientCredentials(null, null, ProtocolError.InvalidClient("Only the HTTP Basic authentication scheme is supported for clients."));
        }

        if (formSecret is not null)
        {
            return new ClientCredentials(null, null, ProtocolError.InvalidRequest("The client authenticated both with HTTP Basic and with client_secret in the form; use one method (RFC 6749 section 2.3)."));
        }

        if (Decode(header["Basic ".Length..].Trim()) is not { } basic)
        {
            return new ClientCredentials(null, null, ProtocolError.InvalidClient("The HTTP Basic credentials are malformed."));
        }

        if (formId is not null && !string.Equals(formId, basic.Id, StringComparison.Ordinal))
        {
            return new ClientCredentials(null, null, ProtocolError.InvalidRequest("The client_id in the form differs from the one in the Authorization header."));
        }

        return new ClientCredentials(basic.Id, basic.Secret, null);
    }

    /// <summary>
    /// RFC 6749 §2.3.1: the id and secret are form-urlencoded (Appendix B) before they are joined with ':' and
    /// base64-encoded (RFC 7617), so a ':' or '%' in either arrives escaped.
    /// </summary>
    private static (string Id, string? Secret)? Decode(string encoded)
    {
        if (encoded.Length == 0 || encoded.Length > 4096)
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            return null;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return null;
        }

        var id = FormDecode(text[..colon]);
        var secret = FormDecode(text[(colon + 1)..]);
        if (id is null || secret is null || InputRules.FindProblem(id) is not null || InputRules.FindProblem(secret) is not null)
        {
            return null;
        }

        return (id, secret.Length == 0 ? null : secret);
    }

    private static string? FormDecode(string value)
    {
        if (!InputRules.HasValidPercentEncoding(value))
        {
            return null;
        }

        var decoded = Uri.UnescapeDataString(value.Replace('+', ' '));
        return decoded.Contains('\uFFFD', StringComparison.Ordinal) ? null : decoded;
    }
}
