using Microsoft.Extensions.Logging;

namespace Keycard.Core.Diagnostics;

/// <summary>
/// The protocol decisions an operator searches for, one event id each (docs/operations.md lists them; the ids are
/// stable). Every parameter is a client id, a user name or id, a grant type or a count: never a password, code,
/// token or secret.
/// </summary>
public static partial class KeycardLog
{
    // 2000-2099: the token endpoint.
    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Client {ClientId} was issued tokens by the {GrantType} grant")]
    public static partial void TokensIssued(ILogger logger, string clientId, string grantType);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Client {ClientId} got invalid_client on the token endpoint: client authentication failed")]
    public static partial void ClientAuthenticationFailed(ILogger logger, string clientId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Client {ClientId} got {Error} for the {GrantType} grant")]
    public static partial void TokenRequestRejected(ILogger logger, string clientId, string error, string grantType);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Client {ClientId} got invalid_grant: the authorization code expired")]
    public static partial void CodeExpired(ILogger logger, string clientId);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Client {ClientId} got invalid_grant: the authorization code was replayed; its token family is revoked")]
    public static partial void CodeReplayed(ILogger logger, string clientId);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Client {ClientId} got invalid_grant: PKCE verification failed; the code is spent")]
    public static partial void PkceFailed(ILogger logger, string clientId);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Information, Message = "Client {ClientId} got invalid_grant: the redirect URI does not match the authorization code's")]
    public static partial void RedirectMismatch(ILogger logger, string clientId);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Information, Message = "Client {ClientId} got invalid_grant: the scope differs from the authorization code's")]
    public static partial void ScopeMismatch(ILogger logger, string clientId);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Information, Message = "Client {ClientId} got invalid_grant: the {GrantType} value is unknown")]
    public static partial void GrantUnknown(ILogger logger, string clientId, string grantType);

    [LoggerMessage(EventId = 2016, Level = LogLevel.Warning, Message = "Client {ClientId} got invalid_grant: the {GrantType} value was issued to another client")]
    public static partial void GrantOfAnotherClient(ILogger logger, string clientId, string grantType);

    [LoggerMessage(EventId = 2017, Level = LogLevel.Information, Message = "Client {ClientId} got invalid_grant: the {GrantType} value was revoked")]
    public static partial void GrantRevoked(ILogger logger, string clientId, string grantType);

    [LoggerMessage(EventId = 2020, Level = LogLevel.Information, Message = "Client {ClientId} got invalid_grant: the refresh token expired")]
    public static partial void RefreshExpired(ILogger logger, string clientId);

    [LoggerMessage(EventId = 2021, Level = LogLevel.Warning, Message = "Client {ClientId} got invalid_grant: refresh token reuse detected; its token family is revoked")]
    public static partial void RefreshReused(ILogger logger, string clientId);

    // 2100-2199: sign-in.
    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "User {UserId} signed in")]
    public static partial void SignInSucceeded(ILogger logger, int userId);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Sign-in failed for user name {UserName}")]
    public static partial void SignInFailed(ILogger logger, string userName);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Sign-in refused for user name {UserName}: the account is locked")]
    public static partial void AccountLocked(ILogger logger, string userName);

    // 2200-2299: revocation.
    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Client {ClientId} revoked a {TokenKind}")]
    public static partial void TokenRevoked(ILogger logger, string clientId, string tokenKind);

    // 2300-2399: administration.
    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Client {ClientId} was given a new secret; the old one no longer works")]
    public static partial void ClientSecretRotated(ILogger logger, string clientId);
}
