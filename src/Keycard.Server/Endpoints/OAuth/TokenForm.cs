using Keycard.Core.Errors;
using Keycard.Core.Security;
using Keycard.Server.Http;

namespace Keycard.Server.Endpoints.OAuth;

/// <summary>
/// The form revocation (RFC 7009 §2.1) and introspection (RFC 7662 §2.1) share: <c>token</c>,
/// <c>token_type_hint</c>, and the client's credentials.
/// </summary>
internal sealed record TokenForm(string? Token, string? Hint, ClientCredentials Client)
{
    public static async Task<(TokenForm? Form, ProtocolError? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (form, formError) = await OAuthForm.ReadAsync(request, cancellationToken);
        if (formError is not null)
        {
            return (null, formError);
        }

        var reader = new ParameterReader();
        var token = reader.Read(form["token"], "token", SecureToken.MaxPresentedAccessTokenLength * 2);
        var hint = reader.Read(form["token_type_hint"], "token_type_hint", 100);
        var client = ClientCredentials.Read(request, form, reader);
        return (reader.Error ?? client.Error) is { } inputError ? (null, inputError) : (new TokenForm(token, hint, client), null);
    }
}
