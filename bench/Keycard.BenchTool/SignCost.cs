using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace Keycard.BenchTool;

/// <summary>
/// The floor under a JWT (issue 16): one RS256 signature (RSA-2048, PKCS#1 v1.5, SHA-256) and one ES256 signature
/// (P-256, SHA-256) over a typical JWT signing input, CPU time per signature on one thread. bench/run.sh pins this to
/// the server's core and compares it with what a JWT scenario costs over its opaque twin.
/// </summary>
internal static class SignCost
{
    public static int Run(Arguments args)
    {
        var seconds = double.Parse(args.Optional("seconds", "1"), CultureInfo.InvariantCulture);

        // About the size of a JWT access token's signing input (header and payload, base64url).
        var input = new byte[450];
        RandomNumberGenerator.Fill(input);
        using var rsa = RSA.Create(2048);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rs256 = CpuPerCall(() => rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), seconds);
        var es256 = CpuPerCall(() => ecdsa.SignData(input, HashAlgorithmName.SHA256), seconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rs256_cpu_ms={rs256:F4} es256_cpu_ms={es256:F4} input_bytes={input.Length}"));
        return 0;
    }

    /// <summary>Process CPU time per call, over calls made for about <paramref name="seconds"/> of CPU time.</summary>
    private static double CpuPerCall(Func<byte[]> sign, double seconds)
    {
        // Untimed calls first: JIT and the first use of the key.
        for (var i = 0; i < 20; i++)
        {
            sign();
        }

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var before = process.TotalProcessorTime;
        var calls = 0;
        TimeSpan used;
        do
        {
            for (var i = 0; i < 50; i++)
            {
                sign();
            }

            calls += 50;
            process.Refresh();
            used = process.TotalProcessorTime - before;
        }
        while (used.TotalSeconds < seconds);

        return used.TotalMilliseconds / calls;
    }
}
