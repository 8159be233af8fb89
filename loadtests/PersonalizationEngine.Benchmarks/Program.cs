using BenchmarkDotNet.Running;
using PersonalizationEngine.Benchmarks.Grains;

// `--cross-node` times grain calls to a customer on the same node and on another node of a two-silo cluster;
// `--ingest-cost` prints CPU and allocations per ingested event through the ingestion service (no HTTP);
// `--activation-memory` runs the heap-delta measurement of idle customer activations on an Orleans silo (not a
// BenchmarkDotNet job); everything else goes to BenchmarkDotNet, e.g. `--filter '*GrainCall*' --job short`.
if (args.Contains("--cross-node"))
{
    await CrossNodeMeasurement.RunAsync(args);
    return;
}

if (args.Contains("--ingest-cost"))
{
    await IngestCostMeasurement.RunAsync(args);
    return;
}

if (args.Contains("--activation-memory"))
{
    await ActivationMemoryMeasurement.RunAsync(args);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
