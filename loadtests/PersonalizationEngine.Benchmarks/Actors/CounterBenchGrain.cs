using PersonalizationEngine.Actors;

namespace PersonalizationEngine.Benchmarks.Actors;

public sealed class CounterBenchGrain : Grain
{
    public long Count { get; private set; }

    public long Increment() => ++Count;

    public Task<long> IncrementAsync() => Task.FromResult(++Count);

    public async Task<long> IncrementYieldingAsync()
    {
        await Task.Yield();
        return ++Count;
    }
}
