namespace Keycard.Core.Errors;

/// <summary>
/// A protocol failure with a stable code (RFC 6749 §5.2) and a description a developer can act on.
/// The HTTP dialects decide the status and the body shape.
/// </summary>
public sealed record ProtocolError(string Code, string Description)
{
    /// <summary>Set when the caller must wait before trying again (lockout, throttling).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// The request parameter the error is about, by its RFC name (<c>grant_type</c>, <c>code_verifier</c>), when the
    /// description names one: a dialect that carries parameters under other names (the iOFFICE <c>x-</c> headers)
    /// names the one its client sent instead.
    /// </summary>
    public string? Parameter { get; init; }

    /// <summary>For the event log and metrics only (Diagnostics/KeycardTelemetry): the rule that refused the request.</summary>
    public FailureReason Reason { get; init; }

    public static ProtocolError InvalidRequest(string description) => new(OAuthErrorCodes.InvalidRequest, description);

    public static ProtocolError InvalidClient(string description) => new(OAuthErrorCodes.InvalidClient, description);

    public static ProtocolError InvalidGrant(string description) => new(OAuthErrorCodes.InvalidGrant, description);

    public static ProtocolError InvalidScope(string description) => new(OAuthErrorCodes.InvalidScope, description);

    public static ProtocolError InvalidTarget(string description) => new(OAuthErrorCodes.InvalidTarget, description);

    public static ProtocolError UnauthorizedClient(string description) => new(OAuthErrorCodes.UnauthorizedClient, description);

    public static ProtocolError AccessDenied(string description) => new(OAuthErrorCodes.AccessDenied, description);

    public static ProtocolError ConsentRequired(string description) => new(OpenIdConnect.OpenIdErrorCodes.ConsentRequired, description);

    public static ProtocolError TooManyAttempts(string description, TimeSpan retryAfter) =>
        new(OAuthErrorCodes.TooManyAttempts, description) { RetryAfter = retryAfter };
}
