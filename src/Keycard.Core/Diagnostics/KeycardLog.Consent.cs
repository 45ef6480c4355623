using Microsoft.Extensions.Logging;

namespace Keycard.Core.Diagnostics;

/// <summary>Consent events (issue 16): 2450-2499. Scope names, user ids and client ids only.</summary>
public static partial class KeycardLog
{
    [LoggerMessage(EventId = 2450, Level = LogLevel.Information, Message = "User {UserId} allowed client {ClientId} the scopes '{Scopes}'")]
    public static partial void ConsentGranted(ILogger logger, int userId, string clientId, string scopes);

    [LoggerMessage(EventId = 2451, Level = LogLevel.Information, Message = "User {UserId} denied consent to client {ClientId}; the client gets access_denied")]
    public static partial void ConsentDenied(ILogger logger, int userId, string clientId);

    [LoggerMessage(EventId = 2452, Level = LogLevel.Information, Message = "User {UserId}'s consent to client {ClientId} was revoked, with {Tokens} codes and tokens")]
    public static partial void ConsentRevoked(ILogger logger, int userId, string clientId, int tokens);

    [LoggerMessage(EventId = 2453, Level = LogLevel.Information, Message = "Client {ClientId} got consent_required for user {UserId} (prompt=none)")]
    public static partial void ConsentRequired(ILogger logger, int userId, string clientId);
}
