namespace PersonalizationEngine.Actors.Tests.Grains;

[GrainType("counter")]
public sealed class CounterGrain : Grain<CounterState>
{
    public long Increment()
    {
        State.Count++;
        MarkDirty();
        return State.Count;
    }

    public long Get() => State.Count;

    public Task SaveAsync() => WriteStateAsync();

    public void Deactivate() => DeactivateOnIdle();

    public int Fail() => throw new InvalidOperationException("boom");

    public Task<long> FailAsync() => Task.FromException<long>(new InvalidOperationException("async boom"));
}
