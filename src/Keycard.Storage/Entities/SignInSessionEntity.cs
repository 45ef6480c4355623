namespace Keycard.Storage.Entities;

/// <summary>
/// A browser sign-in session on the server side: the cookie names it, an ID token carries it as <c>sid</c>, and
/// ending it (sign-out, an operator) stops the cookie working on every node. Times are Unix milliseconds.
/// </summary>
public sealed class SignInSessionEntity
{
    public required string Id { get; set; }

    public int UserId { get; set; }

    /// <summary>When the user entered their password (OpenID Connect <c>auth_time</c>).</summary>
    public long AuthTime { get; set; }

    public long ExpiresAt { get; set; }

    public long? EndedAt { get; set; }
}
