namespace PersonalizationEngine.Actors.Tests.Grains;

/// <summary>Counts messages and checks each sender's sequence numbers arrive in increasing order.</summary>
public sealed class SequenceGrain : Grain
{
    private readonly Dictionary<int, long> _last = [];

    public long Count { get; private set; }

    public long OrderViolations { get; private set; }

    public bool Record(int sender, long sequence)
    {
        if (_last.TryGetValue(sender, out var last) && sequence <= last)
        {
            OrderViolations++;
        }

        _last[sender] = sequence;
        Count++;
        return true;
    }
}
