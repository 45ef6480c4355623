using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keycard.Bench.Ceiling;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SmallJson))]
internal sealed partial class CeilingJsonContext : JsonSerializerContext;
