using Keycard.Core.Signing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.Core.OpenIdConnect;

/// <summary>
/// Reads an <c>id_token_hint</c> (OpenID Connect Core §3.1.2.1, RP-Initiated Logout §2): an ID token Keycard issued,
/// checked against Keycard's own published keys and issuer. Its expiry is ignored, as both specs allow: a hint names
/// a user and a client, it grants nothing.
/// </summary>
public sealed class IdTokenHintReader(ISigningKeyRing keys)
{
    private static readonly JsonWebTokenHandler Handler = new();

    public const int MaxLength = 8000;

    /// <summary>The hint's <c>sub</c> as a user id and its <c>aud</c> and <c>sid</c>, or null when it is not a valid Keycard ID token.</summary>
    public async Task<IdTokenHint?> ReadAsync(string? hint, string issuer, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(hint) || hint.Length > MaxLength)
        {
            return null;
        }

        var published = await keys.GetPublishedAsync(cancellationToken);
        var result = await Handler.ValidateTokenAsync(hint, new TokenValidationParameters
        {
            IssuerSigningKeys = published.Select(k => k.Key),
            ValidIssuer = issuer,
            ValidateAudience = false,
            ValidateLifetime = false,
            ValidAlgorithms = SigningAlgorithms.All,
            ValidTypes = ["JWT"],
        });
        if (!result.IsValid || result.SecurityToken is not JsonWebToken token
            || !int.TryParse(token.Subject, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var userId))
        {
            return null;
        }

        token.TryGetPayloadValue<string>("sid", out var sessionId);
        return new IdTokenHint(userId, [.. token.Audiences], sessionId);
    }
}

/// <summary>What a valid <c>id_token_hint</c> says: the user, the clients it was issued to, and the session.</summary>
public sealed record IdTokenHint(int UserId, IReadOnlyList<string> Audiences, string? SessionId);
