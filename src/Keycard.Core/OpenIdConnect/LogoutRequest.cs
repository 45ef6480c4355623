using Keycard.Core.Errors;

namespace Keycard.Core.OpenIdConnect;

/// <summary>OpenID Connect RP-Initiated Logout 1.0 §2: the parameters of a logout request, as the endpoint read them.</summary>
public sealed record LogoutRequest
{
    public string? IdTokenHint { get; init; }

    public string? ClientId { get; init; }

    public string? PostLogoutRedirectUri { get; init; }

    public string? State { get; init; }

    /// <summary>A parameter the endpoint could not read (sent twice, too long): the request is refused.</summary>
    public ProtocolError? UnreadableParameter { get; init; }
}
