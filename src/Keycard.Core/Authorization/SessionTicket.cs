namespace Keycard.Core.Authorization;

/// <summary>What a browser's sign-in cookie claims: a session, its user, and the version of the user's record at sign-in.</summary>
public sealed record SessionTicket(string SessionId, int UserId, string UserVersion);
