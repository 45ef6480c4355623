using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.AspNetCore;

/// <summary>
/// Validates a Keycard JWT access token here, without asking Keycard (RFC 9068 §4), against the keys
/// <see cref="KeycardSigningKeys"/> holds: <c>typ</c> <c>at+jwt</c> (so an ID token or the gateway's identity token is
/// never taken for one, RFC 8725 §3.11), signed RS256 or ES256 by a published key (<c>alg</c> <c>none</c> and HMAC are
/// refused: RFC 8725 §3.1), <c>iss</c> Keycard's issuer, <c>aud</c> this API's
/// <see cref="KeycardAuthenticationOptions.Resource"/>, <c>exp</c> within <see cref="KeycardAuthenticationOptions.ClockSkew"/>,
/// and <c>sub</c>, <c>client_id</c>, <c>iat</c> and <c>jti</c> present (RFC 9068 §2.2). A token that passes everything
/// but its lifetime is <see cref="KeycardTokenStatus.Expired"/> (403 the guide's way); anything else is
/// <see cref="KeycardTokenStatus.Invalid"/>.
/// </summary>
/// <remarks>
/// Verifying a signature costs more CPU than everything else the request does, so a token found valid is remembered
/// (by its SHA-256, never the token itself) together with the key set it was verified against: the same token
/// against the same key set is not verified again, only its <c>exp</c> is checked. A new key set (a refresh, a
/// rotation, a retired key) starts afresh, so a cached answer never outlives the keys that justified it.
/// </remarks>
public sealed partial class KeycardAccessTokenValidator(KeycardSigningKeys keys, TimeProvider time, ILogger<KeycardAccessTokenValidator> logger)
{
    private const int MaxEntries = 10_000;

    /// <summary>RFC 9068 §2.1: <c>at+jwt</c>; §4: <c>application/at+jwt</c> is the same type.</summary>
    public static readonly IReadOnlyList<string> TokenTypes = ["at+jwt", "application/at+jwt"];

    private static readonly JsonWebTokenHandler Handler = new();

    private readonly ConcurrentDictionary<string, (KeycardTokenCheck Check, OpenIdConnectConfiguration Keys)> _validated = new(StringComparer.Ordinal);

    public async Task<KeycardTokenCheck> ValidateAsync(JsonWebToken token, KeycardAuthenticationOptions options, CancellationToken cancellationToken)
    {
        var configuration = await keys.ForAsync(token, options, cancellationToken);
        if (configuration is null)
        {
            return KeycardTokenCheck.Unavailable;
        }

        var key = options.Resource + " " + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(token.EncodedToken)));
        if (_validated.TryGetValue(key, out var known) && ReferenceEquals(known.Keys, configuration))
        {
            // Everything but the lifetime held against these very keys; RFC 9068 §4: the lifetime is checked on every use.
            return time.GetUtcNow() < known.Check.ExpiresAt!.Value + options.ClockSkew ? known.Check : KeycardTokenCheck.Expired;
        }

        var (check, rejection) = await ValidateAsync(token, configuration.Issuer, configuration.SigningKeys, options);
        if (rejection is not null)
        {
            LogRejected(logger, rejection);
        }
        else if (check.Status == KeycardTokenStatus.Valid)
        {
            if (_validated.Count >= MaxEntries)
            {
                _validated.Clear();
            }

            _validated[key] = (check, configuration);
        }

        return check;
    }

    /// <summary>The checks themselves, against a given issuer and key set; <c>Rejection</c> names why a token failed, for the log.</summary>
    internal static async Task<(KeycardTokenCheck Check, string? Rejection)> ValidateAsync(
        JsonWebToken token, string issuer, IEnumerable<SecurityKey> signingKeys, KeycardAuthenticationOptions options)
    {
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = options.Resource,
            IssuerSigningKeys = signingKeys,
            ValidTypes = TokenTypes,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = options.ClockSkew,
        };
        var result = await Handler.ValidateTokenAsync(token, parameters);
        if (result.Exception is SecurityTokenExpiredException)
        {
            // The lifetime is checked before audience, issuer and type: an expired token is only "expired" (403, so the
            // client refreshes) when everything else about it holds; a forged or foreign one stays 401.
            parameters.ValidateLifetime = false;
            var rest = await Handler.ValidateTokenAsync(token, parameters);
            return rest.IsValid ? (KeycardTokenCheck.Expired, null) : (KeycardTokenCheck.Invalid, rest.Exception?.GetType().Name ?? "invalid");
        }

        if (!result.IsValid)
        {
            return (KeycardTokenCheck.Invalid, result.Exception?.GetType().Name ?? "invalid");
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        if (!jwt.TryGetPayloadValue<string>(KeycardAuthenticationDefaults.SubjectClaim, out var subject) || string.IsNullOrEmpty(subject)
            || !jwt.TryGetPayloadValue<string>(KeycardAuthenticationDefaults.ClientIdClaim, out var clientId) || string.IsNullOrEmpty(clientId)
            || string.IsNullOrEmpty(jwt.Id) || !jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out _))
        {
            return (KeycardTokenCheck.Invalid, "missing RFC 9068 claim");
        }

        var identity = new ClaimsIdentity(options.ClaimsIssuer ?? KeycardAuthenticationDefaults.AuthenticationScheme, KeycardAuthenticationDefaults.SubjectClaim, null);
        identity.AddClaim(new Claim(KeycardAuthenticationDefaults.SubjectClaim, subject));
        identity.AddClaim(new Claim(KeycardAuthenticationDefaults.ClientIdClaim, clientId));
        if (jwt.TryGetPayloadValue<string>(KeycardAuthenticationDefaults.ScopeClaim, out var scope))
        {
            identity.AddClaim(new Claim(KeycardAuthenticationDefaults.ScopeClaim, scope));
        }

        var expiresAt = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
        identity.AddClaim(new Claim("exp", expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        return (new KeycardTokenCheck(KeycardTokenStatus.Valid, identity, expiresAt), null);
    }

    [LoggerMessage(EventId = 1752, Level = LogLevel.Information, Message = "Keycard JWT access token rejected ({Reason})")]
    private static partial void LogRejected(ILogger logger, string reason);
}
