namespace Keycard.Core.Consent;

/// <summary>
/// A user's remembered consent to a third-party client: the scopes they allowed it, kept until the user or an operator
/// revokes it. An empty list means they allowed the client itself with no scope.
/// </summary>
public sealed record ConsentGrant(int UserId, string ClientId, IReadOnlyList<string> Scopes, DateTimeOffset GrantedAt);
