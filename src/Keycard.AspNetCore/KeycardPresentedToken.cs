using Microsoft.AspNetCore.Http;

namespace Keycard.AspNetCore;

/// <summary>
/// The access token of a request, from exactly one of <c>?access_token=</c>, <c>x-access-token</c> (the iOFFICE
/// guide) and <c>Authorization: Bearer</c> (RFC 6750 §2.1). RFC 6750 §2: a client MUST NOT use more than one method,
/// so two at once are refused (<see cref="IsAmbiguous"/>).
/// </summary>
public sealed record KeycardPresentedToken(KeycardTokenTransport Transport, string Value, bool IsAmbiguous)
{
    public static KeycardPresentedToken From(HttpRequest request)
    {
        var found = new List<(KeycardTokenTransport, string)>(1);
        if (request.Query.TryGetValue("access_token", out var query))
        {
            found.Add((KeycardTokenTransport.Query, query.ToString()));
        }

        if (request.Headers.TryGetValue("x-access-token", out var header))
        {
            found.Add((KeycardTokenTransport.Header, header.ToString()));
        }

        if (request.Headers.Authorization is { Count: > 0 } authorization)
        {
            var value = authorization.ToString();
            if (value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                found.Add((KeycardTokenTransport.Bearer, value["Bearer ".Length..].Trim()));
            }
        }

        return found.Count switch
        {
            0 => new KeycardPresentedToken(KeycardTokenTransport.None, "", false),
            1 => new KeycardPresentedToken(found[0].Item1, found[0].Item2, false),
            _ => new KeycardPresentedToken(KeycardTokenTransport.None, "", true),
        };
    }
}
