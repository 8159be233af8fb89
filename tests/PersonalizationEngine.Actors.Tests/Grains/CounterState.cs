namespace PersonalizationEngine.Actors.Tests.Grains;

public sealed class CounterState
{
    public long Count { get; set; }
}
