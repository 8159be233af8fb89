using BenchmarkDotNet.Attributes;
using PersonalizationEngine.Contracts;
using PersonalizationEngine.Grains.Customers;
using PersonalizationEngine.Grains.Decisioning;
using PersonalizationEngine.Grains.Ingestion;

namespace PersonalizationEngine.Benchmarks.Grains;

/// <summary>
/// What a call through Orleans costs from the gateway's side (a hosted client in the silo's process, as in the engine),
/// on live activations, against a lock + Dictionary baseline: the cheapest grain answer (an identity lookup), a
/// customer's status, and a full next-best-offer decision for a realistic customer (catalogue empty, so it is the
/// call and the feature view, not arbitration, that is measured; DecisionBenchmarks covers arbitration).
/// </summary>
[MemoryDiagnoser]
public class GrainCallBenchmarks
{
    private readonly Dictionary<string, long> _dictionary = new(StringComparer.Ordinal) { ["k"] = 0 };
    private readonly object _lock = new();
    private BenchSilo _silo = null!;
    private IIdentityGrain _identity = null!;
    private ICustomerGrain _customer = null!;
    private DecideInput _input = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _silo = await BenchSilo.StartAsync();
        await _silo.Get<IngestionService>().IngestAsync(BenchSilo.RealisticEvents("bench-1"));
        var profile = (await _silo.Get<CustomerDirectory>().ResolveAsync("user_id:bench-1")).ProfileId!;
        var grains = _silo.Get<IGrainFactory>();
        _customer = grains.GetGrain<ICustomerGrain>(profile);
        _identity = grains.GetGrain<IIdentityGrain>("bench-identity");
        await _identity.ClaimAsync(profile);
        _input = new DecideInput(DecisionService.NewDecisionId(), "web", "home", 3);
    }

    [GlobalCleanup]
    public void Cleanup() => _silo.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "baseline: lock + Dictionary increment")]
    public long LockedDictionary()
    {
        lock (_lock)
        {
            return ++System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_dictionary, "k");
        }
    }

    [Benchmark(Description = "IIdentityGrain.GetAsync (synchronous answer)")]
    public ValueTask<string?> IdentityLookup() => _identity.GetAsync();

    [Benchmark(Description = "ICustomerGrain.StatusAsync")]
    public ValueTask<CustomerStatus> CustomerStatus() => _customer.StatusAsync();

    [Benchmark(Description = "ICustomerGrain.DecideAsync, 30-event customer")]
    public ValueTask<DecisionView> Decide() => _customer.DecideAsync(_input);
}
