using BenchmarkDotNet.Attributes;
using PersonalizationEngine.Actors;
using PersonalizationEngine.Storage.InMemory;

namespace PersonalizationEngine.Benchmarks.Actors;

/// <summary>
/// Two producers each send <see cref="PerProducer"/> increments round-robin over <see cref="Grains"/> grains,
/// awaiting in windows so calls really queue. Reported per message (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
public class ThroughputBenchmarks
{
    private const int Producers = 2;
    private const int PerProducer = 100_000;
    private const int Window = 1_000;

    private readonly object _lock = new();
    private ActorSystem _system = null!;
    private GrainReference<CounterBenchGrain>[] _grains = [];
    private Dictionary<string, long> _dictionary = [];
    private string[] _keys = [];

    [Params(1, 10_000)]
    public int Grains { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _system = new ActorSystemBuilder().UseStorage(new InMemoryStorageProvider()).AddGrain<CounterBenchGrain>().Configure(o => o.MailboxCapacity = 100_000).Build();
        _system.StartAsync().GetAwaiter().GetResult();
        _keys = Enumerable.Range(0, Grains).Select(i => "customer-" + i).ToArray();
        _grains = _keys.Select(_system.GetGrain<CounterBenchGrain>).ToArray();
        _dictionary = _keys.ToDictionary(k => k, _ => 0L, StringComparer.Ordinal);
        foreach (var g in _grains)
        {
            g.InvokeAsync(static x => x.Increment()).AsTask().GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _system.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, OperationsPerInvoke = Producers * PerProducer, Description = "baseline: lock + Dictionary, 2 producers")]
    public Task LockedDictionary() => Task.WhenAll(Enumerable.Range(0, Producers).Select(p => Task.Run(() =>
    {
        for (var i = 0; i < PerProducer; i++)
        {
            var key = _keys[(i + p) % _keys.Length];
            lock (_lock)
            {
                _dictionary[key]++;
            }
        }
    })));

    [Benchmark(OperationsPerInvoke = Producers * PerProducer, Description = "InvokeAsync, 2 producers")]
    public Task SyncCalls() => Task.WhenAll(Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
    {
        var pending = new ValueTask<long>[Window];
        for (var i = 0; i < PerProducer; i += Window)
        {
            for (var j = 0; j < Window; j++)
            {
                pending[j] = _grains[(i + j + p) % _grains.Length].InvokeAsync(static g => g.Increment());
            }

            for (var j = 0; j < Window; j++)
            {
                await pending[j];
            }
        }
    })));

    [Benchmark(OperationsPerInvoke = Producers * PerProducer, Description = "CallAsync, 2 producers")]
    public Task AsyncCalls() => Task.WhenAll(Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
    {
        var pending = new Task<long>[Window];
        for (var i = 0; i < PerProducer; i += Window)
        {
            for (var j = 0; j < Window; j++)
            {
                pending[j] = _grains[(i + j + p) % _grains.Length].CallAsync(static g => g.IncrementAsync());
            }

            await Task.WhenAll(pending);
        }
    })));
}
