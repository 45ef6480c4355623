using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keycard.Benchmarks;

/// <summary>
/// The iOFFICE token answer, field for field as Keycard.Server's IOfficeTokenResponse; that type and its
/// source-generated context are internal to the server, so the benchmark carries an equivalent pair.
/// </summary>
public sealed record TokenResponseJson(
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("refresh_token"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RefreshToken,
    [property: JsonPropertyName("scope")] string Scope);

/// <summary>The same options as Keycard.Server's KeycardJsonContext.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TokenResponseJson))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
