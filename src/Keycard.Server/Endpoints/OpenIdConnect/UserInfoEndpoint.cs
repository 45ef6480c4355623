using System.Text;
using System.Text.Json;
using Keycard.Core.Errors;
using Keycard.Core.OpenIdConnect;
using Keycard.Core.Security;
using Keycard.Server.Endpoints.OAuth;
using Keycard.Server.Http;

namespace Keycard.Server.Endpoints.OpenIdConnect;

/// <summary>
/// OpenID Connect Core §5.3: GET or POST with the access token as an RFC 6750 Bearer token (the Authorization header,
/// or on POST the form body's <c>access_token</c>, §2.2), answered with the user's claims as JSON.
/// </summary>
internal static class UserInfoEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, UserInfoService userInfo, CancellationToken cancellationToken)
    {
        var (token, error) = await ReadTokenAsync(context.Request, cancellationToken);
        if (error is not null)
        {
            return Challenge(context, error);
        }

        if (token is null)
        {
            // RFC 6750 §3.1: a request without authentication gets a challenge with no error code.
            context.Response.Headers.WWWAuthenticate = BearerChallenge.Bare;
            ResponseHeaders.NoStore(context.Response);
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        var result = await userInfo.GetAsync(token, cancellationToken);
        if (!result.IsSuccess)
        {
            return Challenge(context, result.Error);
        }

        ResponseHeaders.NoStore(context.Response);
        return Results.Text(Serialize(result.Value), "application/json", Encoding.UTF8);
    }

    private static async Task<(string? Token, ProtocolError? Error)> ReadTokenAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        string? fromHeader = null;
        if (request.Headers.Authorization is { Count: > 0 } authorization)
        {
            if (authorization.Count > 1 || authorization[0] is not { } value)
            {
                return (null, ProtocolError.InvalidRequest("Send the access token once, as Authorization: Bearer (RFC 6750 section 2.1)."));
            }

            if (value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                fromHeader = value[7..].Trim();
            }
            else if (value.Trim().Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            {
                return (null, ProtocolError.InvalidRequest("The Authorization header names the Bearer scheme but carries no token (RFC 6750 section 2.1)."));
            }

            // RFC 6750 §3.1: a request that "attempted using an unsupported authentication method" lacks authentication
            // information, and is answered with the bare challenge (no error code), unless the body carries the token.
        }

        string? fromBody = null;
        if (HttpMethods.IsPost(request.Method) && FormContent.IsUrlEncoded(request))
        {
            // A form the parser refuses (a NUL, too many fields, a value over the limits) is the client's error (400).
            var (form, formError) = await OAuthForm.ReadAsync(request, cancellationToken);
            if (formError is not null)
            {
                return (null, formError);
            }

            if (form.TryGetValue("access_token", out var values))
            {
                if (values.Count != 1)
                {
                    return (null, ProtocolError.InvalidRequest("The access_token parameter was sent more than once."));
                }

                fromBody = values[0];
            }
        }

        if (fromHeader is not null && fromBody is not null)
        {
            // RFC 6750 §2: clients MUST NOT use more than one method per request.
            return (null, ProtocolError.InvalidRequest("The access token was sent in more than one way (RFC 6750 section 2)."));
        }

        var token = fromHeader ?? fromBody;
        return token is { Length: > 0 } && token.Length <= SecureToken.MaxPresentedLength * 2 ? (token, null)
            : token is null ? (null, null)
            : (null, new ProtocolError(OAuthErrorCodes.InvalidToken, "The access token is invalid."));
    }

    /// <summary>RFC 6750 §3: the error in WWW-Authenticate; invalid_request 400, invalid_token 401, insufficient_scope 403.</summary>
    private static IResult Challenge(HttpContext context, ProtocolError error)
    {
        var (status, scope) = error.Code switch
        {
            OAuthErrorCodes.InvalidToken => (StatusCodes.Status401Unauthorized, null),
            OAuthErrorCodes.InsufficientScope => (StatusCodes.Status403Forbidden, OpenIdScopes.OpenId),
            _ => (StatusCodes.Status400BadRequest, (string?)null),
        };
        context.Response.Headers.WWWAuthenticate = BearerChallenge.For(error, scope);
        ResponseHeaders.NoStore(context.Response);
        return TypedResults.Json(new OAuthError(error.Code, error.Description), OAuthJsonContext.Default.OAuthError, statusCode: status);
    }

    private static string Serialize(IReadOnlyDictionary<string, object> claims)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in claims)
            {
                switch (value)
                {
                    case bool flag:
                        writer.WriteBoolean(name, flag);
                        break;
                    default:
                        writer.WriteString(name, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                        break;
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
