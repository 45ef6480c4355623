namespace Keycard.Core.Consent;

/// <summary>
/// Reads the <c>prompt</c> parameter for the consent step (OpenID Connect Core §3.1.2.1: a space-delimited,
/// case-sensitive list of <see cref="OpenIdConnect.PromptValues"/>). Only "is this value present"; what the other
/// values mean for sign-in is the sign-in sequence's.
/// </summary>
public static class PromptParameter
{
    public static bool Contains(string? prompt, string value) =>
        !string.IsNullOrEmpty(prompt) && prompt.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(value, StringComparer.Ordinal);
}
