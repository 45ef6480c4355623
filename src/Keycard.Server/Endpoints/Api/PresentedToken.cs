using Keycard.Core.Errors;
using Keycard.Core.Security;

namespace Keycard.Server.Endpoints.Api;

/// <summary>How the access token reached the API; it decides the answer to an expired token.</summary>
internal enum TokenTransport
{
    None,
    Query,
    Header,
    Bearer,
}

/// <summary>
/// Finds the access token in a request: <c>?access_token=</c> and <c>x-access-token</c> (the guide) or
/// <c>Authorization: Bearer</c> (RFC 6750 §2.1). RFC 6750 §2: more than one method in a request is invalid_request.
/// </summary>
internal readonly record struct PresentedToken(TokenTransport Transport, string? Value, ProtocolError? Error)
{
    public static PresentedToken From(HttpRequest request)
    {
        // Every API and gateway call passes here: the transports found are counted, not listed, and the query string
        // is parsed only when there is one (request.Query would build its feature either way).
        var count = 0;
        (TokenTransport, string?) first = default;
        if (request.QueryString.HasValue && request.Query.TryGetValue("access_token", out var query))
        {
            Found(ref count, ref first, (TokenTransport.Query, query.Count == 1 ? query[0] : null));
        }

        if (request.Headers.TryGetValue("x-access-token", out var header))
        {
            Found(ref count, ref first, (TokenTransport.Header, header.Count == 1 ? header[0] : null));
        }

        if (request.Headers.Authorization is { Count: > 0 } authorization)
        {
            var value = authorization.Count == 1 ? authorization[0] : null;
            // RFC 6750 §2.1: b64token after the case-insensitive "Bearer" scheme.
            if (value is not null && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                Found(ref count, ref first, (TokenTransport.Bearer, value[7..].Trim()));
            }
            else if (authorization.Count > 1)
            {
                return new PresentedToken(TokenTransport.Bearer, null, ProtocolError.InvalidRequest("The Authorization header was sent more than once."));
            }
        }

        if (count == 0)
        {
            return new PresentedToken(TokenTransport.None, null, null);
        }

        if (count > 1)
        {
            return new PresentedToken(first.Item1, null, ProtocolError.InvalidRequest("The access token was sent in more than one way (RFC 6750 section 2)."));
        }

        var (transport, token) = first;
        if (string.IsNullOrEmpty(token) || token.Length > SecureToken.MaxPresentedAccessTokenLength * 2)
        {
            return new PresentedToken(transport, null, new ProtocolError(OAuthErrorCodes.InvalidToken, "The access token is malformed."));
        }

        return new PresentedToken(transport, token, null);
    }

    private static void Found(ref int count, ref (TokenTransport, string?) first, (TokenTransport, string?) transport)
    {
        if (count++ == 0)
        {
            first = transport;
        }
    }
}
