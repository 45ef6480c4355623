namespace Keycard.Core;

/// <summary>Lifetimes and switches of the protocol core; bound from the "Keycard" configuration section.</summary>
public sealed class KeycardProtocolOptions
{
    /// <summary>The iOFFICE guide: "The authorization code expires after 5 minutes."</summary>
    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long a browser sign-in session (and its cookie) lasts from the password entry: <c>Keycard:SessionLifetime</c>,
    /// the same setting the server's cookie reads (validated there).
    /// </summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// A rotated refresh token presented again by the same client within this window gets a fresh answer
    /// instead of revoking its family: two browser tabs refreshing at once (RFC 9700 §4.14.2 allows the trade-off).
    /// </summary>
    public TimeSpan RefreshReuseGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The iOFFICE direct username/password code endpoint. RFC 9700 §2.4 advises against password grants;
    /// it stays on by default for compatibility with the guide and can be switched off globally or per client.
    /// </summary>
    public bool PasswordCodeEndpointEnabled { get; set; } = true;
}
