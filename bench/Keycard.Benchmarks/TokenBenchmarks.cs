using BenchmarkDotNet.Attributes;
using Keycard.Core.Security;

namespace Keycard.Benchmarks;

/// <summary>What every issued token and every API call pays: 32 random bytes, base64url, SHA-256.</summary>
[MemoryDiagnoser]
public class TokenBenchmarks
{
    private readonly string _token = SecureToken.Generate();
    private readonly string _verifier = SecureToken.Generate() + SecureToken.Generate()[..20];
    private string _challenge = "";

    [GlobalSetup]
    public void Setup() => _challenge = Pkce.ComputeChallenge(_verifier);

    [Benchmark]
    public string Generate() => SecureToken.Generate();

    [Benchmark]
    public byte[] Hash() => SecureToken.Hash(_token);

    [Benchmark(Description = "Generate + Hash (one issued token)")]
    public byte[] GenerateAndHash() => SecureToken.Hash(SecureToken.Generate());

    [Benchmark(Description = "Pkce.Verify (S256)")]
    public bool PkceVerify() => Pkce.Verify(_verifier, _challenge);
}
