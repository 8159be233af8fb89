namespace PersonalizationEngine.Actors.Tests.Grains;

/// <summary>A grain with a constructor dependency, built by a registered factory.</summary>
public sealed class GreeterGrain(IGreeting greeting) : Grain<CounterState>
{
    public string Greet()
    {
        State.Count++;
        MarkDirty();
        return greeting.Text + " " + Key;
    }
}
