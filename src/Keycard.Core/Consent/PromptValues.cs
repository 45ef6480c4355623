namespace Keycard.Core.Consent;

/// <summary>
/// The <c>prompt</c> values the consent step reads (OpenID Connect Core §3.1.2.1: a space-delimited, case-sensitive
/// list). Only "is this value present"; the rest of prompt (login, select_account, none with other values) is the
/// sign-in sequence's.
/// </summary>
public static class PromptValues
{
    public const string None = "none";
    public const string Login = "login";
    public const string Consent = "consent";

    public static bool Contains(string? prompt, string value) =>
        !string.IsNullOrEmpty(prompt) && prompt.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(value, StringComparer.Ordinal);
}
