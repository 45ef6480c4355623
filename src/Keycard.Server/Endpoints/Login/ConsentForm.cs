using Keycard.Core.Consent;

namespace Keycard.Server.Endpoints.Login;

/// <summary>What the consent page shows: the client, the signed-in user, and each scope asked for.</summary>
internal sealed record ConsentForm
{
    public required string ClientName { get; init; }

    public required string UserName { get; init; }

    public required int UserId { get; init; }

    public required IReadOnlyList<ScopeDescription> Scopes { get; init; }

    public required string Action { get; init; }

    public required string AntiforgeryField { get; init; }

    public required string AntiforgeryToken { get; init; }

    public required string RedirectHost { get; init; }
}
