using Keycard.Core.Errors;
using Keycard.Core.Security;
using Keycard.Core.Storage;

namespace Keycard.Core.Clients;

/// <summary>Finds a client and checks its secret (RFC 6749 §2.3.1, §3.2.1).</summary>
public sealed class ClientAuthenticator(IClientStore clients, IAttemptThrottle throttle)
{
    public const int MaxClientIdLength = 200;
    public const int MaxSecretLength = 512;

    /// <summary>
    /// Identifies the client. A confidential client must present its secret; a public client presents none
    /// (RFC 6749 §3.2.1: it identifies itself by client_id and is bound by PKCE or the redirect URI instead).
    /// <paramref name="sourceAddress"/> is the caller's network address: failures are throttled per client and address.
    /// </summary>
    public async Task<Result<Client>> AuthenticateAsync(string? clientId, string? secret, string? sourceAddress, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(clientId))
        {
            return ProtocolError.InvalidRequest("The client_id is missing.") with { Parameter = "client_id" };
        }

        if (clientId.Length > MaxClientIdLength || (secret?.Length ?? 0) > MaxSecretLength)
        {
            return ProtocolError.InvalidClient("Client authentication failed.");
        }

        var client = await clients.FindAsync(clientId, cancellationToken);
        if (client is null)
        {
            return ProtocolError.InvalidClient("Client authentication failed: unknown client.");
        }

        if (!client.IsConfidential)
        {
            // RFC 6749 §2.1 and §3.2.1: a public client has no secret. One that sends a secret is misconfigured or is
            // posing as a confidential client; either way its authentication fails (RFC 6749 §5.2 invalid_client).
            return string.IsNullOrEmpty(secret)
                ? client
                : ProtocolError.InvalidClient("Client authentication failed: this public client has no secret; do not send one.");
        }

        // RFC 6749 §10.10 guessing attacks, throttled per (client, source address) and never per client alone: client
        // ids are public and secrets carry at least 128 bits, so a per-client lock would only let anyone who knows the
        // id shut the application out (denial of service) without protecting the secret.
        var throttleKey = ThrottleKey(client.ClientId, sourceAddress);
        var status = await throttle.GetStatusAsync(throttleKey, cancellationToken);
        if (status.LockedFor is { } retryAfter)
        {
            return ProtocolError.TooManyAttempts("Too many failed client authentications from this address; try again later.", retryAfter);
        }

        if (string.IsNullOrEmpty(secret))
        {
            return ProtocolError.InvalidClient("Client authentication failed: this confidential client must send its secret.");
        }

        if (client.SecretHash is null || !SecureToken.FixedTimeEquals(SecureToken.Hash(secret), client.SecretHash))
        {
            await throttle.RecordFailureAsync(throttleKey, cancellationToken);
            return ProtocolError.InvalidClient("Client authentication failed.");
        }

        if (status.Failures > 0)
        {
            await throttle.RecordSuccessAsync(throttleKey, cancellationToken);
        }

        return client;
    }

    /// <summary>The throttle key of failed authentications of one client from one address.</summary>
    public static string ThrottleKey(string clientId, string? sourceAddress) =>
        "client:" + clientId + "@" + (string.IsNullOrEmpty(sourceAddress) ? "unknown" : sourceAddress);
}
