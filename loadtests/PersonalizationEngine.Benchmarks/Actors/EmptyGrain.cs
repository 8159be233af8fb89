using PersonalizationEngine.Actors;

namespace PersonalizationEngine.Benchmarks.Actors;

public sealed class EmptyGrain : Grain
{
    public bool Touch() => true;
}
