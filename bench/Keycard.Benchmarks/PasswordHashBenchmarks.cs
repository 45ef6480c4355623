using BenchmarkDotNet.Attributes;
using Keycard.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Keycard.Benchmarks;

/// <summary>The cost floor of a password sign-in: Identity's V3 verification at Keycard's 210,000 iterations.</summary>
public class PasswordHashBenchmarks
{
    private const string Password = "bench-password-123";
    private readonly object _user = new();
    private PasswordHasher<object> _hasher = null!;
    private string _hash = "";

    [GlobalSetup]
    public void Setup()
    {
        _hasher = new PasswordHasher<object>(Options.Create(new PasswordHasherOptions
        {
            CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
            IterationCount = KeycardStorageServiceCollectionExtensions.PasswordHashIterations,
        }));
        _hash = _hasher.HashPassword(_user, Password);
    }

    [Benchmark(Description = "PBKDF2-HMAC-SHA512 verify, 210,000 iterations")]
    public PasswordVerificationResult Verify() => _hasher.VerifyHashedPassword(_user, _hash, Password);
}
