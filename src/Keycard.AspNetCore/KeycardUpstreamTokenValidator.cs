using System.Security.Claims;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.AspNetCore;

/// <summary>
/// Checks the identity JWT Keycard's gateway puts in <c>Authorization</c>: signed by a key of Keycard's JWKS
/// (<see cref="KeycardSigningKeys"/>: discovered from Keycard's metadata, cached, fetched again when a <c>kid</c> is
/// unknown after a key rotation), <c>typ</c> <c>keycard-upstream+jwt</c> (RFC 8725 §3.11, so a Keycard ID token or
/// JWT access token is never taken for one), Keycard's issuer, this API's audience, and unexpired.
/// </summary>
public sealed partial class KeycardUpstreamTokenValidator(KeycardSigningKeys keys, ILogger<KeycardUpstreamTokenValidator> logger)
{
    private static readonly JsonWebTokenHandler Handler = new();

    public async Task<KeycardTokenCheck> ValidateAsync(JsonWebToken token, KeycardAuthenticationOptions options, CancellationToken cancellationToken)
    {
        var configuration = await keys.ForAsync(token, options, cancellationToken);
        if (configuration is null)
        {
            return KeycardTokenCheck.Unavailable;
        }

        var result = await Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = configuration.Issuer,
            ValidAudience = options.Audience,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidTypes = [KeycardAuthenticationDefaults.UpstreamTokenType],
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256],
            RequireExpirationTime = true,
            ClockSkew = options.ClockSkew,
        });
        if (!result.IsValid)
        {
            var reason = result.Exception?.GetType().Name ?? "invalid";
            LogRejected(logger, reason);
            return KeycardTokenCheck.Invalid;
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        var identity = new ClaimsIdentity(options.ClaimsIssuer ?? KeycardAuthenticationDefaults.AuthenticationScheme, KeycardAuthenticationDefaults.SubjectClaim, null);
        foreach (var name in new[] { "sub", "client_id", "scope" })
        {
            if (jwt.TryGetPayloadValue<string>(name, out var value))
            {
                identity.AddClaim(new Claim(name, value));
            }
        }

        return new KeycardTokenCheck(KeycardTokenStatus.Valid, identity, jwt.ValidTo);
    }

    [LoggerMessage(EventId = 1704, Level = LogLevel.Information, Message = "Keycard gateway identity token rejected ({Reason})")]
    private static partial void LogRejected(ILogger logger, string reason);
}
