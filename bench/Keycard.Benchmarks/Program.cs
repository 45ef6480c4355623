using BenchmarkDotNet.Running;

// bench/micro.sh runs these; any BenchmarkDotNet arguments pass through (--filter, --job, --inProcess, …).
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>The entry point.</summary>
public partial class Program;
