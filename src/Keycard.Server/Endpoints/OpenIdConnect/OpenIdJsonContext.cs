using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keycard.Server.Endpoints.OpenIdConnect;

/// <summary>Source-generated JSON for the OpenID Connect endpoints: snake_case members, absent when null.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OpenIdConfiguration))]
internal sealed partial class OpenIdJsonContext : JsonSerializerContext;
