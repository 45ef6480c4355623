using Keycard.Core.Clients;
using Keycard.Core.Errors;

namespace Keycard.Core.Tokens.Grants;

/// <summary>One handler per grant type, looked up by its grant_type name (RFC 6749 §4).</summary>
public interface IGrantHandler
{
    string GrantType { get; }

    Task<Result<IssuedTokens>> HandleAsync(TokenRequest request, Client client, CancellationToken cancellationToken);
}
