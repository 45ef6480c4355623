using System.Text;
using System.Text.Unicode;
using Keycard.Core.Errors;

namespace Keycard.Server.Http;

/// <summary>
/// The first line of input defence, before any endpoint: oversized query strings and headers, malformed
/// percent-encoding and invalid UTF-8 get a clear 400 with an error code instead of reaching the protocol.
/// </summary>
internal sealed class RequestGuardMiddleware(RequestDelegate next)
{
    public const int MaxQueryLength = 8 * 1024;
    public const int MaxHeaderLength = 8 * 1024;
    public const int MaxCookieLength = 16 * 1024;

    /// <summary>Urlencoded bodies (the login form, the standard token endpoint) are small; anything larger is refused.</summary>
    public const int MaxFormLength = 64 * 1024;

    public Task InvokeAsync(HttpContext context)
    {
        // A streamed body (a proxied route) is not read here, so the usual request passes without a state machine.
        if (context.GetEndpoint()?.Metadata.GetMetadata<StreamedBody>() is not null)
        {
            return FindProblem(context.Request) is { } problem ? RejectAsync(context, problem) : next(context);
        }

        return InvokeWithFormAsync(context);
    }

    private async Task InvokeWithFormAsync(HttpContext context)
    {
        var problem = FindProblem(context.Request) ?? await FindFormProblemAsync(context.Request);
        if (problem is null)
        {
            await next(context);
            return;
        }

        await RejectAsync(context, problem);
    }

    /// <summary>
    /// The form parser leaves a malformed escape ("%zz") in the value as literal text; RFC 3986 §2.1 makes it an error,
    /// so an urlencoded body is read once, checked like the query string, and rewound for the endpoint.
    /// </summary>
    private static async Task<string?> FindFormProblemAsync(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method) || !FormContent.IsUrlEncoded(request))
        {
            return null;
        }

        if (request.ContentLength > MaxFormLength)
        {
            return $"The form body is longer than {MaxFormLength} bytes.";
        }

        request.EnableBuffering(MaxFormLength, MaxFormLength);
        var buffer = new byte[MaxFormLength + 1];
        var length = 0;
        try
        {
            int read;
            while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), request.HttpContext.RequestAborted)) > 0)
            {
                length += read;
            }
        }
        catch (IOException)
        {
            return "The form body could not be read.";
        }

        if (length > MaxFormLength)
        {
            return $"The form body is longer than {MaxFormLength} bytes.";
        }

        request.Body.Position = 0;
        var raw = System.Text.Encoding.Latin1.GetString(buffer, 0, length);
        if (!InputRules.HasValidPercentEncoding(raw))
        {
            return "The form body has malformed percent-encoding.";
        }

        return null;
    }

    private static string? FindProblem(HttpRequest request)
    {
        var query = request.QueryString.Value;
        if (query is { Length: > 0 })
        {
            if (query.Length > MaxQueryLength)
            {
                return $"The query string is longer than {MaxQueryLength} characters.";
            }

            if (!InputRules.HasValidPercentEncoding(query))
            {
                return "The query string has malformed percent-encoding.";
            }

            if (!IsValidUtf8(query))
            {
                return "The query string does not decode to valid UTF-8.";
            }
        }

        foreach (var header in request.Headers)
        {
            var limit = header.Key.Equals("Cookie", StringComparison.OrdinalIgnoreCase) ? MaxCookieLength : MaxHeaderLength;
            foreach (var value in header.Value)
            {
                if (value is { Length: > 0 } && value.Length > limit)
                {
                    return IsToken(header.Key)
                        ? $"The header '{Truncate(header.Key)}' is longer than {limit} characters."
                        : $"A header is longer than {limit} characters.";
                }
            }
        }

        return null;
    }

    private static bool IsValidUtf8(string rawQuery)
    {
        if (!rawQuery.Contains('%', StringComparison.Ordinal))
        {
            return true;
        }

        // Decode percent escapes into bytes and check the bytes are UTF-8; '+' and literal characters pass through.
        var bytes = new List<byte>(rawQuery.Length);
        for (var i = 0; i < rawQuery.Length; i++)
        {
            var c = rawQuery[i];
            if (c == '%')
            {
                bytes.Add(Convert.ToByte(rawQuery.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (c < 0x80)
            {
                bytes.Add((byte)c);
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }

        return Utf8.IsValid(bytes.ToArray());
    }

    /// <summary>RFC 9110 §5.6.2 tchar only: a name safe to quote in an error description (RFC 6749 §5.2).</summary>
    private static bool IsToken(string name) =>
        name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal));

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64];

    private static Task RejectAsync(HttpContext context, string description) =>
        ErrorWriter.WriteAsync(context, ProtocolError.InvalidRequest(description), StatusCodes.Status400BadRequest);
}
