using System.Security.Claims;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.AspNetCore;

/// <summary>
/// Checks the identity JWT Keycard's gateway puts in <c>Authorization</c>: signed by a key of Keycard's JWKS
/// (<c>/.well-known/jwks.json</c>, cached and refreshed by <see cref="ConfigurationManager{T}"/>, once more when a
/// <c>kid</c> is unknown after a key rotation), <c>typ</c> <c>keycard-upstream+jwt</c> (RFC 8725 §3.11, so a Keycard ID
/// token or JWT access token is never taken for one), Keycard's issuer, this API's audience, and unexpired.
/// </summary>
public sealed partial class KeycardUpstreamTokenValidator(IHttpClientFactory http, ILogger<KeycardUpstreamTokenValidator> logger)
{
    private static readonly JsonWebTokenHandler Handler = new();

    private readonly Lock _gate = new();
    private ConfigurationManager<JsonWebKeySet>? _keys;

    /// <summary>True for a compact JWS whose header says it is the gateway's identity token.</summary>
    public static bool IsUpstreamToken(string token)
    {
        if (!Handler.CanReadToken(token))
        {
            return false;
        }

        try
        {
            return new JsonWebToken(token).Typ == KeycardAuthenticationDefaults.UpstreamTokenType;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public async Task<KeycardTokenCheck> ValidateAsync(string token, KeycardAuthenticationOptions options, CancellationToken cancellationToken)
    {
        var keys = Keys(options);
        var result = await ValidateWithAsync(token, await keys.GetConfigurationAsync(cancellationToken), options);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // A key Keycard published after our last fetch (rotation): fetch once more.
            keys.RequestRefresh();
            result = await ValidateWithAsync(token, await keys.GetConfigurationAsync(cancellationToken), options);
        }

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

    private static Task<TokenValidationResult> ValidateWithAsync(string token, JsonWebKeySet keys, KeycardAuthenticationOptions options) =>
        Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = options.Authority.TrimEnd('/'),
            ValidAudience = options.Audience,
            IssuerSigningKeys = keys.GetSigningKeys(),
            ValidTypes = [KeycardAuthenticationDefaults.UpstreamTokenType],
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256],
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
        });

    private ConfigurationManager<JsonWebKeySet> Keys(KeycardAuthenticationOptions options)
    {
        lock (_gate)
        {
            return _keys ??= new ConfigurationManager<JsonWebKeySet>(
                options.Authority.TrimEnd('/') + "/.well-known/jwks.json",
                new JwksRetriever(),
                new HttpDocumentRetriever(http.CreateClient(KeycardIntrospector.HttpClientName)) { RequireHttps = options.RequireHttpsMetadata });
        }
    }

    [LoggerMessage(EventId = 1704, Level = LogLevel.Information, Message = "Keycard gateway identity token rejected ({Reason})")]
    private static partial void LogRejected(ILogger logger, string reason);

    private sealed class JwksRetriever : IConfigurationRetriever<JsonWebKeySet>
    {
        public async Task<JsonWebKeySet> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel) =>
            new(await retriever.GetDocumentAsync(address, cancel));
    }
}
