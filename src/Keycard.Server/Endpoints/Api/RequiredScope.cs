namespace Keycard.Server.Endpoints.Api;

/// <summary>
/// Endpoint metadata: the access token must carry this scope, or the API answers 403 insufficient_scope
/// (RFC 6750 §3.1). Endpoints without it accept any valid token.
/// </summary>
internal sealed record RequiredScope(string Scope);
