using BenchmarkDotNet.Attributes;
using Keycard.Core.Security;

namespace Keycard.Benchmarks;

/// <summary>What every issued token and every API call pays: the issue time and 32 random bytes, base64url, SHA-256.</summary>
[MemoryDiagnoser]
public class TokenBenchmarks
{
    private readonly string _token = SecureToken.GenerateOrdered(DateTimeOffset.UtcNow);
    private readonly string _verifier = SecureToken.Generate() + SecureToken.Generate()[..20];
    private string _challenge = "";

    [GlobalSetup]
    public void Setup() => _challenge = Pkce.ComputeChallenge(_verifier);

    [Benchmark]
    public string GenerateOrdered() => SecureToken.GenerateOrdered(DateTimeOffset.UtcNow);

    [Benchmark]
    public byte[] StorageKey() => SecureToken.StorageKey(_token);

    [Benchmark(Description = "GenerateOrdered + StorageKey (one issued token)")]
    public byte[] GenerateAndKey() => SecureToken.StorageKey(SecureToken.GenerateOrdered(DateTimeOffset.UtcNow));

    [Benchmark(Description = "Pkce.Verify (S256)")]
    public bool PkceVerify() => Pkce.Verify(_verifier, _challenge);
}
