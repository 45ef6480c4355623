using System.Collections.Frozen;
using Keycard.Core.Clients;
using Keycard.Core.Diagnostics;
using Keycard.Core.Errors;
using Keycard.Core.Tokens.Grants;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Core.Tokens;

/// <summary>
/// The token endpoint (RFC 6749 §3.2), for both dialects: check the grant type is named, authenticate the client,
/// then hand the request to the one handler registered for that grant type.
/// </summary>
public sealed class TokenService
{
    private readonly ClientAuthenticator _clients;
    private readonly FrozenSet<string> _grantTypes;
    private readonly IServiceProvider _services;
    private readonly KeycardTelemetry? _telemetry;

    /// <summary>
    /// A token endpoint whose handlers are the keyed <see cref="IGrantHandler"/> services of <paramref name="services"/>
    /// (a request scope), keyed by grant type: a request creates only the handler of the grant type it names, not every
    /// handler with its dependencies (issue 11: the cost of a client_credentials request).
    /// </summary>
    public TokenService(ClientAuthenticator clients, FrozenSet<string> grantTypes, IServiceProvider services, KeycardTelemetry? telemetry = null)
    {
        _clients = clients;
        _telemetry = telemetry;
        _grantTypes = grantTypes;
        _services = services;
    }

    public IReadOnlyCollection<string> SupportedGrantTypes => _grantTypes;

    /// <summary>
    /// The handler of a supported grant type, else null. Only a supported name reaches the container, which remembers
    /// every key it is asked for: a client's arbitrary grant_type values must not grow that memory.
    /// </summary>
    private IGrantHandler? HandlerFor(string grantType)
    {
        if (!_grantTypes.Contains(grantType))
        {
            return null;
        }

        return _services.GetRequiredKeyedService<IGrantHandler>(grantType);
    }

    public async Task<Result<IssuedTokens>> HandleAsync(TokenRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.GrantType))
        {
            return ProtocolError.InvalidRequest("The grant_type is missing.") with { Parameter = "grant_type" };
        }

        var client = await _clients.AuthenticateAsync(request.ClientId, request.ClientSecret, request.SourceAddress, cancellationToken);
        if (!client.IsSuccess)
        {
            _telemetry?.ClientAuthenticationFailed(request.ClientId, request.GrantType);
            return client.Error;
        }

        if (HandlerFor(request.GrantType) is not { } handler)
        {
            // The value is not echoed: it may hold characters an error_description cannot (RFC 6749 §5.2).
            return new ProtocolError(
                OAuthErrorCodes.UnsupportedGrantType,
                "The grant type is not supported; use one of: " + string.Join(", ", _grantTypes.Order(StringComparer.Ordinal)) + ".");
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
