using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keycard.Server.Endpoints.OAuth;

/// <summary>Source-generated JSON for the standard dialect: snake_case members, absent when null (RFC 6749 §5.1).</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OAuthError))]
[JsonSerializable(typeof(OAuthTokenResponse))]
[JsonSerializable(typeof(IntrospectionResponse))]
[JsonSerializable(typeof(AuthorizationServerMetadata))]
internal sealed partial class OAuthJsonContext : JsonSerializerContext;
