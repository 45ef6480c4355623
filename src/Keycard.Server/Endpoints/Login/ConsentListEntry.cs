namespace Keycard.Server.Endpoints.Login;

/// <summary>One application on the account page: a client the user consented to, and what it may do.</summary>
internal sealed record ConsentListEntry(string ClientId, string ClientName, string Scopes, string GrantedAt);
