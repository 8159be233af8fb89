using BenchmarkDotNet.Attributes;
using PersonalizationEngine.Actors;
using PersonalizationEngine.Storage.InMemory;

namespace PersonalizationEngine.Benchmarks.Actors;

/// <summary>Cost of one turn on a single grain, caller awaiting each call, against a lock + Dictionary baseline.</summary>
[MemoryDiagnoser]
public class TurnCostBenchmarks
{
    private readonly Dictionary<string, long> _dictionary = new(StringComparer.Ordinal) { ["k"] = 0 };
    private readonly object _lock = new();
    private ActorSystem _system = null!;
    private GrainReference<CounterBenchGrain> _grain;

    [GlobalSetup]
    public void Setup()
    {
        _system = new ActorSystemBuilder().UseStorage(new InMemoryStorageProvider()).AddGrain<CounterBenchGrain>().Build();
        _system.StartAsync().GetAwaiter().GetResult();
        _grain = _system.GetGrain<CounterBenchGrain>("k");
        _grain.InvokeAsync(static g => g.Increment()).AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _system.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "baseline: lock + Dictionary increment")]
    public long LockedDictionary()
    {
        lock (_lock)
        {
            return ++System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_dictionary, "k");
        }
    }

    [Benchmark(Description = "InvokeAsync, sync fast path")]
    public async ValueTask<long> SyncFastPath() => await _grain.InvokeAsync(static g => g.Increment());

    [Benchmark(Description = "CallAsync, method completes synchronously")]
    public Task<long> AsyncPathCompleted() => _grain.CallAsync(static g => g.IncrementAsync());

    [Benchmark(Description = "CallAsync, method awaits (Task.Yield)")]
    public Task<long> AsyncPathYielding() => _grain.CallAsync(static g => g.IncrementYieldingAsync());
}
