using BenchmarkDotNet.Running;
using PersonalizationEngine.Benchmarks.Grains;

// `--activation-memory` runs the heap-delta measurement of idle customer activations on an Orleans silo (not a
// BenchmarkDotNet job); everything else goes to BenchmarkDotNet, e.g. `--filter '*GrainCall*' --job short`.
if (args.Contains("--activation-memory"))
{
    await ActivationMemoryMeasurement.RunAsync(args);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
