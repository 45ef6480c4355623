using Keycard.Core.Clients;
using Keycard.Core.Diagnostics;
using Keycard.Core.Scopes;
using Keycard.Core.Storage;

namespace Keycard.Core.Consent;

/// <summary>
/// The consent step of the sign-in sequence (issue 16) and its revocation. First-party clients never ask. A
/// third-party client asks the user once for what it requests, and again only for scopes the user has not allowed
/// it yet, or when the request says <c>prompt=consent</c> (OpenID Connect Core §3.1.2.1). What the user allows is
/// remembered per user, client and scopes (the union of every grant) until the user or an operator revokes it;
/// revoking also revokes the client's codes and tokens for that user.
/// </summary>
public sealed class ConsentService(IConsentStore consents, ITokenStore tokens, TimeProvider time, KeycardTelemetry? telemetry = null)
{
    /// <summary>
    /// What the user must be asked before a code for <paramref name="scope"/> is issued, or null when nothing: a
    /// first-party client, or a third-party one whose every requested scope the user already allowed (unless
    /// <paramref name="forcePrompt"/>: the request said <c>prompt=consent</c>).
    /// </summary>
    public async Task<ConsentRequest?> FindRequiredAsync(Client client, int userId, string? scope, bool forcePrompt, CancellationToken cancellationToken)
    {
        if (!client.IsThirdParty)
        {
            return null;
        }

        var requested = ScopeRules.Split(scope).Distinct(StringComparer.Ordinal).ToArray();
        if (!forcePrompt
            && await consents.FindAsync(userId, client.ClientId, cancellationToken) is { } stored
            && requested.All(s => stored.Scopes.Contains(s, StringComparer.Ordinal)))
        {
            return null;
        }

        return new ConsentRequest(client, ScopeDescriptions.Describe(requested));
    }

    /// <summary>The user allowed the client <paramref name="scope"/>: remembered as the union with what they allowed before.</summary>
    public async Task<ConsentGrant> GrantAsync(Client client, int userId, string? scope, CancellationToken cancellationToken)
    {
        var requested = ScopeRules.Split(scope).Distinct(StringComparer.Ordinal).ToArray();
        var grant = await consents.GrantAsync(userId, client.ClientId, requested, time.GetUtcNow(), cancellationToken);
        if (telemetry is not null)
        {
            var allowed = string.Join(' ', grant.Scopes);
            KeycardLog.ConsentGranted(telemetry.Log, userId, client.ClientId, allowed);
        }

        return grant;
    }

    /// <summary>The user refused: nothing is stored, the client gets access_denied (RFC 6749 §4.1.2.1).</summary>
    public void Denied(Client client, int userId)
    {
        if (telemetry is not null)
        {
            KeycardLog.ConsentDenied(telemetry.Log, userId, client.ClientId);
        }
    }

    /// <summary>Consent was needed but the request said prompt=none: the client gets consent_required (OpenID Connect Core §3.1.2.6).</summary>
    public void Required(Client client, int userId)
    {
        if (telemetry is not null)
        {
            KeycardLog.ConsentRequired(telemetry.Log, userId, client.ClientId);
        }
    }

    public Task<IReadOnlyList<ConsentGrant>> ListAsync(int? userId, string? clientId, CancellationToken cancellationToken) =>
        consents.ListAsync(userId, clientId, cancellationToken);

    /// <summary>
    /// Ends the user's consent to one client (or every client) and revokes the codes, access and refresh tokens those
    /// clients hold for the user. Each revoked family is also revoked through the token store, so this node's cache
    /// (and, on PostgreSQL, every node's) stops honouring its access tokens at once.
    /// </summary>
    public async Task<ConsentRevocation> RevokeAsync(int userId, string? clientId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var revoked = await consents.RevokeAsync(userId, clientId, now, cancellationToken);
        foreach (var family in revoked.RevokedFamilies)
        {
            await tokens.RevokeFamilyAsync(family, now, cancellationToken);
        }

        if (telemetry is not null)
        {
            foreach (var client in revoked.ClientIds)
            {
                KeycardLog.ConsentRevoked(telemetry.Log, userId, client, revoked.TokensRevoked);
            }
        }

        return revoked;
    }
}
