using System.Text.Json;
using System.Text.Json.Serialization;
using Keycard.Server.Endpoints.Api;
using Keycard.Server.Endpoints.IOffice;

namespace Keycard.Server.Json;

/// <summary>Source-generated JSON for every response body (no reflection on the hot paths).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IOfficeError))]
[JsonSerializable(typeof(IOfficeTokenResponse))]
[JsonSerializable(typeof(IOfficeCodeResponse))]
[JsonSerializable(typeof(TokenInfoResponse))]
[JsonSerializable(typeof(UserMeResponse))]
internal sealed partial class KeycardJsonContext : JsonSerializerContext;
