using Keycard.Core.Clients;
using Keycard.Core.Errors;
using Keycard.Core.Scopes;

namespace Keycard.Core.Tokens.Grants;

/// <summary>RFC 6749 §4.4: a confidential client acting for itself. No refresh token (§4.4.3).</summary>
public sealed class ClientCredentialsGrant(Storage.ITokenStore tokens, TokenFactory factory) : IGrantHandler
{
    public string GrantType => GrantTypes.ClientCredentials;

    public async Task<Result<IssuedTokens>> HandleAsync(TokenRequest request, Client client, CancellationToken cancellationToken)
    {
        // RFC 6749 §4.4: "MUST only be used by confidential clients".
        if (!client.IsConfidential || !client.AllowClientCredentials)
        {
            return ProtocolError.UnauthorizedClient("This client is not allowed to use the client_credentials grant.");
        }

        if (ScopeRules.Validate(client, request.Scope) is { } scopeError)
        {
            return scopeError;
        }

        // RFC 8707 §2: the resource must be one the client registered, else invalid_target.
        var resource = ResourceRules.Resolve(client, request.Resource, bound: null);
        if (!resource.IsSuccess)
        {
            return resource.Error;
        }

        var now = factory.Time.GetUtcNow();
        var familyId = Guid.CreateVersion7(now).ToString("N");
        var grant = new AccessTokenGrant
        {
            Client = client,
            Scope = request.Scope ?? "",
            FamilyId = familyId,
            Resource = resource.Value,
            Issuer = request.AccessTokenIssuer,
        };
        var (response, stored) = await factory.CreatePairAsync(grant, withRefresh: false, now, cancellationToken);
        await tokens.AddAsync(stored, cancellationToken);
        return response;
    }
}
