using Keycard.Core.Clients;

namespace Keycard.Core.Consent;

/// <summary>
/// The user must consent before the code is issued: the third-party client, and what it asks for (each scope with
/// its description, in the order requested). The consent page shows exactly this.
/// </summary>
public sealed record ConsentRequest(Client Client, IReadOnlyList<ScopeDescription> Scopes);
