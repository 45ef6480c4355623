namespace Keycard.Core.Clients;

/// <summary>Why a registration was refused: the field at fault, the value when there is one, and what is wrong with it.</summary>
public sealed record ClientRegistrationProblem(ClientRegistrationField Field, string Problem, string? Value = null);

/// <summary>The registration fields a rule can refuse (RFC 7591 §2 names them client_id, redirect_uris, ...).</summary>
public enum ClientRegistrationField
{
    ClientId,
    RedirectUri,
    Origin,
    ClientCredentials,
    Secret,
}
