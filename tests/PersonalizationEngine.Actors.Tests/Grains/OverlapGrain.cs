namespace PersonalizationEngine.Actors.Tests.Grains;

public sealed class OverlapGrain : Grain
{
    private int _inside;

    public int Overlaps { get; private set; }

    public int Completed { get; private set; }

    public async Task<int> WorkAsync()
    {
        if (Interlocked.Increment(ref _inside) > 1)
        {
            Overlaps++;
        }

        await Task.Delay(1).ConfigureAwait(false);
        Interlocked.Decrement(ref _inside);
        Completed++;
        return Completed;
    }
}
