using Keycard.Core.Clients;
using Keycard.Core.Diagnostics;
using Keycard.Core.Errors;
using Keycard.Core.Tokens.Grants;

namespace Keycard.Core.Tokens;

/// <summary>
/// The token endpoint (RFC 6749 §3.2), for both dialects: check the grant type is named, authenticate the client,
/// then hand the request to the one handler registered for that grant type.
/// </summary>
public sealed class TokenService
{
    private readonly ClientAuthenticator _clients;
    private readonly Dictionary<string, IGrantHandler> _grants;
    private readonly KeycardTelemetry? _telemetry;

    public TokenService(ClientAuthenticator clients, IEnumerable<IGrantHandler> grants, KeycardTelemetry? telemetry = null)
    {
        _clients = clients;
        _telemetry = telemetry;
        _grants = grants.ToDictionary(g => g.GrantType, StringComparer.Ordinal);
    }

    public IReadOnlyCollection<string> SupportedGrantTypes => _grants.Keys;

    public async Task<Result<IssuedTokens>> HandleAsync(TokenRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.GrantType))
        {
            return ProtocolError.InvalidRequest("The grant_type is missing.");
        }

        var client = await _clients.AuthenticateAsync(request.ClientId, request.ClientSecret, request.SourceAddress, cancellationToken);
        if (!client.IsSuccess)
        {
            _telemetry?.ClientAuthenticationFailed(request.ClientId, request.GrantType);
            return client.Error;
        }

        if (!_grants.TryGetValue(request.GrantType, out var handler))
        {
            // The value is not echoed: it may hold characters an error_description cannot (RFC 6749 §5.2).
            return new ProtocolError(
                OAuthErrorCodes.UnsupportedGrantType,
                "The grant type is not supported; use one of: " + string.Join(", ", _grants.Keys.Order(StringComparer.Ordinal)) + ".");
        }

        var result = await handler.HandleAsync(request, client.Value, cancellationToken);
        if (result.IsSuccess)
        {
            _telemetry?.TokensIssued(request.GrantType, client.Value.ClientId);
        }
        else
        {
            _telemetry?.TokenRequestRejected(request.GrantType, client.Value.ClientId, result.Error);
        }

        return result;
    }
}
