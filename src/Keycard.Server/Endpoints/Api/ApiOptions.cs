namespace Keycard.Server.Endpoints.Api;

/// <summary>The REST API's settings, bound from "Keycard:Api" (ranges in Configuration/KeycardSettings).</summary>
public sealed class ApiOptions
{
    /// <summary>The configuration section this class is bound from (Configuration/KeycardSettings lists it for <c>config show</c>).</summary>
    public const string Section = "Keycard:Api";

    /// <summary>The scope <c>GET /external/api/rest/v2/users/me</c> requires; none by default (the guide's behaviour).</summary>
    public string? UsersMeScope { get; set; }
}
