using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Keycard.Core.Security;

namespace Keycard.Benchmarks;

/// <summary>Writing the token response with the source-generated context, as the endpoint does.</summary>
[MemoryDiagnoser]
public class JsonBenchmarks
{
    private readonly TokenResponseJson _response = new("Bearer", SecureToken.Generate(), 3_600_000, SecureToken.Generate(), "email");
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private Utf8JsonWriter _writer = null!;

    [GlobalSetup]
    public void Setup() => _writer = new Utf8JsonWriter(_buffer);

    [Benchmark(Description = "token response -> UTF-8 (source-generated)")]
    public int WriteTokenResponse()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        JsonSerializer.Serialize(_writer, _response, BenchJsonContext.Default.TokenResponseJson);
        return _buffer.WrittenCount;
    }
}
