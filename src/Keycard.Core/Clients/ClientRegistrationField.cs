namespace Keycard.Core.Clients;

/// <summary>The registration fields a rule can refuse (RFC 7591 §2 names them client_id, redirect_uris, ...).</summary>
public enum ClientRegistrationField
{
    ClientId,
    RedirectUri,
    Origin,
    ClientCredentials,
    Secret,
    AccessTokenFormat,
    Resource,
    SigningAlgorithm,
    ThirdParty,
    PostLogoutRedirectUri,
    Name,
    AppCode,
}
