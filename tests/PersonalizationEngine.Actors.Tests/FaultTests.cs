using PersonalizationEngine.Actors.Testing;
using PersonalizationEngine.Actors.Tests.Grains;
using PersonalizationEngine.Storage;
using PersonalizationEngine.Storage.InMemory;

namespace PersonalizationEngine.Actors.Tests;

public sealed class FaultTests
{
    [Fact]
    public async Task An_exception_in_a_grain_method_faults_only_that_call()
    {
        await using var host = await TestActorHost.StartAsync(b => b.AddGrain<CounterGrain>());
        var grain = host.GetGrain<CounterGrain>("f");
        await grain.InvokeAsync(static g => g.Increment());

        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.InvokeAsync(static g => g.Fail()).AsTask());
        var asyncEx = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.CallAsync(static g => g.FailAsync()));
        Assert.Equal("async boom", asyncEx.Message);

        Assert.Equal(2, await grain.InvokeAsync(static g => g.Increment()));
        Assert.True(host.System.IsActive<CounterGrain>("f"));
        Assert.Equal(1, host.System.GetStatistics().ActivationsCreated);
    }

    [Fact]
    public async Task A_stale_state_write_surfaces_InconsistentStateException_to_the_caller()
    {
        var storage = new InMemoryStorageProvider();
        await using var host = await TestActorHost.StartAsync(b => b.AddGrain<CounterGrain>(), storage);
        var grain = host.GetGrain<CounterGrain>("stale");
        await grain.InvokeAsync(static g => g.Increment());
        await grain.CallAsync(static g => g.SaveAsync());

        // Another writer (e.g. a node that took over) moves the record on behind the grain's back.
        await storage.States.WriteAsync("counter", "stale", "{\"count\":99}"u8.ToArray(), expectedVersion: 1);

        await grain.InvokeAsync(static g => g.Increment());
        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => grain.CallAsync(static g => g.SaveAsync()));
        Assert.Equal(1, ex.ExpectedVersion);
        Assert.Equal(2, ex.ActualVersion);
    }
}
