using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Keycard.Benchmarks;

// bench/micro.sh runs these; any BenchmarkDotNet arguments pass through (--filter, --job, --inProcess, …).
// BENCH_CPU_CLOCK=1: measure the benchmark thread's CPU time instead of wall time (a machine shared with other load).
var config = DefaultConfig.Instance;
if (Environment.GetEnvironmentVariable("BENCH_CPU_CLOCK") == "1")
{
    config = config.AddJob(Job.Default.WithClock(ThreadCpuClock.Instance).AsDefault());
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);

/// <summary>The entry point.</summary>
public partial class Program;
