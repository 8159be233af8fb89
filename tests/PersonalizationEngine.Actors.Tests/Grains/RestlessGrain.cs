namespace PersonalizationEngine.Actors.Tests.Grains;

/// <summary>Persists per-sender order checks and deactivates itself every 100 calls, so calls cross activations.</summary>
public sealed class RestlessGrain : Grain<OrderState>
{
    public bool Record(int sender, long sequence)
    {
        if (State.Last.TryGetValue(sender, out var last) && sequence <= last)
        {
            State.Violations++;
        }

        State.Last[sender] = sequence;
        State.Count++;
        MarkDirty();
        if (State.Count % 100 == 0)
        {
            DeactivateOnIdle();
        }

        return true;
    }

    public (long Count, long Violations) Read() => (State.Count, State.Violations);
}
