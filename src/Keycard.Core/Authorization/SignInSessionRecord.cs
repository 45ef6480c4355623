namespace Keycard.Core.Authorization;

/// <summary>
/// A browser sign-in session on the server: the cookie names it by <see cref="Id"/>, ID tokens carry it as <c>sid</c>.
/// It holds until it expires or is ended (sign-out, a password change, an operator).
/// </summary>
public sealed record SignInSessionRecord(string Id, int UserId, DateTimeOffset AuthTime, DateTimeOffset ExpiresAt, DateTimeOffset? EndedAt = null)
{
    public bool IsActiveAt(DateTimeOffset now) => EndedAt is null && now < ExpiresAt;
}
