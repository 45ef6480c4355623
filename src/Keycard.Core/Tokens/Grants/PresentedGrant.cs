using Keycard.Core.Clients;
using Keycard.Core.Errors;
using Keycard.Core.Security;
using Keycard.Core.Storage;

namespace Keycard.Core.Tokens.Grants;

/// <summary>A code or refresh token a client presented, found by its hash and checked against that client.</summary>
internal sealed record PresentedGrant(byte[] Hash, StoredToken Token)
{
    /// <summary>
    /// The checks both grants share: present (invalid_request), one of ours and of the right kind, issued to the
    /// authenticated client (RFC 6749 §4.1.3, §6), and not revoked (invalid_grant).
    /// </summary>
    public static async Task<Result<PresentedGrant>> FindAsync(
        ITokenStore tokens, string? value, TokenKind kind, Client client, string name, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(value))
        {
            return ProtocolError.InvalidRequest($"The {name} is missing.");
        }

        if (value.Length > SecureToken.MaxPresentedLength)
        {
            return ProtocolError.InvalidGrant($"The {name} is invalid.") with { Reason = FailureReason.GrantUnknown };
        }

        var hash = SecureToken.StorageKey(value);
        var token = await tokens.FindAsync(hash, cancellationToken);
        if (token is null || token.Kind != kind)
        {
            return ProtocolError.InvalidGrant($"The {name} is invalid.") with { Reason = FailureReason.GrantUnknown };
        }

        if (!string.Equals(token.ClientId, client.ClientId, StringComparison.Ordinal))
        {
            return ProtocolError.InvalidGrant($"The {name} was issued to another client.") with { Reason = FailureReason.GrantOfAnotherClient };
        }

        if (token.RevokedAt is not null)
        {
            return ProtocolError.InvalidGrant($"The {name} was revoked.") with { Reason = FailureReason.GrantRevoked };
        }

        return new PresentedGrant(hash, token);
    }
}
