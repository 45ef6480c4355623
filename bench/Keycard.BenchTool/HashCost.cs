using System.Diagnostics;
using System.Globalization;
using Keycard.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Keycard.BenchTool;

/// <summary>
/// The floor under a password sign-in: one Identity V3 verification (PBKDF2-HMAC-SHA512) at Keycard's iteration
/// count, timed on one thread. bench/run.sh pins this to the server's core and compares it with the sign-in scenario.
/// </summary>
internal static class HashCost
{
    public static int Run(Arguments args)
    {
        var count = args.Int("count", 20);
        var hasher = new PasswordHasher<object>(Options.Create(new PasswordHasherOptions
        {
            CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
            IterationCount = KeycardStorageServiceCollectionExtensions.PasswordHashIterations,
        }));
        var user = new object();
        const string password = "bench-password-123";
        var hash = hasher.HashPassword(user, password);

        // Two untimed verifications: JIT and the first use of the crypto provider.
        for (var i = 0; i < 2; i++)
        {
            Check(hasher.VerifyHashedPassword(user, hash, password));
        }

        var samples = new double[count];
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            Check(hasher.VerifyHashedPassword(user, hash, password));
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        // CPU time as well as wall time: on a shared machine, other processes stretch the wall time of both this
        // loop and the sign-in scenario, but not the CPU each one needs.
        var cpuPerHash = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / count;
        Array.Sort(samples);
        var median = samples[count / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"hash_iterations={KeycardStorageServiceCollectionExtensions.PasswordHashIterations} samples={count} median_ms={median:F2} cpu_ms={cpuPerHash:F2} min_ms={samples[0]:F2} max_ms={samples[^1]:F2}"));
        return 0;
    }

    private static void Check(PasswordVerificationResult result)
    {
        if (result != PasswordVerificationResult.Success)
        {
            throw new InvalidOperationException("the password did not verify");
        }
    }
}
