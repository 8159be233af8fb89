using BenchmarkDotNet.Running;
using PersonalizationEngine.Benchmarks.Actors;

// `--activation-memory` runs the heap-delta measurement of idle activations (not a BenchmarkDotNet job);
// everything else goes to BenchmarkDotNet, e.g. `--filter '*Actors*' --job short`.
if (args.Contains("--activation-memory"))
{
    await ActivationMemoryMeasurement.RunAsync();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
