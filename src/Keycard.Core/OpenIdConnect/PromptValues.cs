namespace Keycard.Core.OpenIdConnect;

/// <summary>OpenID Connect Core §3.1.2.1 <c>prompt</c> values.</summary>
public static class PromptValues
{
    public const string None = "none";
    public const string Login = "login";
    public const string Consent = "consent";
    public const string SelectAccount = "select_account";

    public static readonly IReadOnlyList<string> All = [None, Login, Consent, SelectAccount];
}
