namespace Keycard.Core.OpenIdConnect;

/// <summary>OpenID Connect Core §3.1.2.6 authentication error codes.</summary>
public static class OpenIdErrorCodes
{
    public const string InteractionRequired = "interaction_required";
    public const string LoginRequired = "login_required";
    public const string AccountSelectionRequired = "account_selection_required";
    public const string ConsentRequired = "consent_required";
    public const string RequestNotSupported = "request_not_supported";
    public const string RequestUriNotSupported = "request_uri_not_supported";
    public const string RegistrationNotSupported = "registration_not_supported";
}
