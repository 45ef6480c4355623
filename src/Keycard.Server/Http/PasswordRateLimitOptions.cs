namespace Keycard.Server.Http;

/// <summary>The "Keycard:RateLimit" configuration section.</summary>
public sealed class PasswordRateLimitOptions
{
    /// <summary>The configuration section this class is bound from (Configuration/KeycardSettings lists it for <c>config show</c>).</summary>
    public const string Section = "Keycard:RateLimit";

    /// <summary>Password attempts one address may make per minute, across every sign-in endpoint of this node.</summary>
    public int PasswordPermitsPerMinute { get; set; } = 30;
}
