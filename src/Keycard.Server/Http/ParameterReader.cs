using Keycard.Core.Errors;
using Microsoft.Extensions.Primitives;

namespace Keycard.Server.Http;

/// <summary>
/// Reads request parameters (headers, query or form fields) with Keycard's input rules, keeping the first problem:
/// RFC 6749 §3.1 parameters "MUST NOT be included more than once"; a size limit on every value; no control characters.
/// Empty values count as absent (RFC 6749 section 3.1).
/// </summary>
internal sealed class ParameterReader
{
    public ProtocolError? Error { get; private set; }

    public string? Read(StringValues values, string name, int maxLength)
    {
        if (values.Count == 0)
        {
            return null;
        }

        if (values.Count > 1)
        {
            Error ??= ProtocolError.InvalidRequest($"The parameter '{name}' was sent more than once (RFC 6749 section 3.1).");
            return null;
        }

        var value = values[0];
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value.Length > maxLength)
        {
            Error ??= ProtocolError.InvalidRequest($"The parameter '{name}' is longer than {maxLength} characters.");
            return null;
        }

        if (InputRules.FindProblem(value) is { } problem)
        {
            Error ??= ProtocolError.InvalidRequest($"The parameter '{name}' {problem}.");
            return null;
        }

        return value;
    }

    public string? Header(HttpRequest request, string name, int maxLength) => Read(request.Headers[name], name, maxLength);

    public string? Query(HttpRequest request, string name, int maxLength) => Read(request.Query[name], name, maxLength);
}
