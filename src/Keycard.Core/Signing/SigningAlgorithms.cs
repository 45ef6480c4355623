namespace Keycard.Core.Signing;

/// <summary>The JWS algorithms (RFC 7518 §3.1) Keycard signs with.</summary>
public static class SigningAlgorithms
{
    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256, 2048-bit keys: the default, understood by every JWT library.</summary>
    public const string RS256 = "RS256";

    /// <summary>ECDSA on P-256 with SHA-256: smaller, faster signatures.</summary>
    public const string ES256 = "ES256";

    public static readonly IReadOnlyList<string> All = [RS256, ES256];

    /// <summary>The canonical spelling of <paramref name="name"/>, or null when Keycard does not sign with it.</summary>
    public static string? Normalize(string? name) =>
        string.Equals(name, RS256, StringComparison.OrdinalIgnoreCase) ? RS256
        : string.Equals(name, ES256, StringComparison.OrdinalIgnoreCase) ? ES256
        : null;
}
