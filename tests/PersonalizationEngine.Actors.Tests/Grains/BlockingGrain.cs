namespace PersonalizationEngine.Actors.Tests.Grains;

public sealed class BlockingGrain : Grain
{
    public int Calls { get; private set; }

    public async Task BlockAsync(Task gate)
    {
        await gate.ConfigureAwait(false);
        Calls++;
    }

    public Task<int> NoopAsync()
    {
        Calls++;
        return Task.FromResult(Calls);
    }
}
