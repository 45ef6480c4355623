using System.Text.Json.Serialization;

namespace Keycard.Server.Endpoints.IOffice;

/// <summary>The guide's token answer. <c>expires_in</c> is in milliseconds, as the guide says.</summary>
public sealed record IOfficeTokenResponse(
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("refresh_token"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RefreshToken,
    [property: JsonPropertyName("scope")] string Scope);
