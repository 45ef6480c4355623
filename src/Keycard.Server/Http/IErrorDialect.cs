using Keycard.Core.Errors;

namespace Keycard.Server.Http;

/// <summary>
/// Endpoint metadata naming how a route group writes an error: each dialect (the iOFFICE JSON, RFC 6749 §5.2 JSON,
/// the HTML pages) implements it beside its endpoints, so the shared plumbing never needs to know a dialect.
/// </summary>
internal interface IErrorDialect
{
    /// <summary>Writes the body in this dialect's shape; status and the shared headers are already set.</summary>
    Task WriteBodyAsync(HttpContext context, ProtocolError error, int status);
}
